"""gw-bench Python baseline gateway: FastAPI on uvicorn (uvloop + httptools), aiohttp upstream client."""
