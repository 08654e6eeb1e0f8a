"""Excel (xlsx) codecs for the transfer ports: a streaming read-only reader, write-only writers for
exports, templates and error workbooks, and TransferFiles, which picks xlsx or CSV by extension."""

from dps.adapters.excel.files import TransferFiles
from dps.adapters.excel.limits import ReadLimits

__all__ = ["ReadLimits", "TransferFiles"]
