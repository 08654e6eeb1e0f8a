"""Online registry clients against loopback fakes of the NTA Web-API and gBizINFO."""
