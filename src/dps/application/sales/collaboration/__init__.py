"""Comments, likes (ライク！), attachments and notifications on any sales record (M5)."""
