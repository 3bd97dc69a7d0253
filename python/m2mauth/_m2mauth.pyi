# Type stub of the private native module (python/src/*.cpp). Its API is internal and typed as Any:
# the public, typed API is the m2mauth package.
from typing import Any

def __getattr__(name: str) -> Any: ...
