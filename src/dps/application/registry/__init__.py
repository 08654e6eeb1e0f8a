"""The corporate registry (法人番号 / gBizINFO / the offline copy of the NTA's bulk data)."""
