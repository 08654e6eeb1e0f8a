"""Attachment storage and antivirus scanning."""
