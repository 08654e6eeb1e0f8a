"""Corporate registry clients: the NTA Web-API, gBizINFO and the offline registry."""
