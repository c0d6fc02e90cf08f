"""``aimds proxy``: an OpenAI-compatible Chat Completions proxy that guards both directions.

Needs ``pip install 'aimds[proxy]'`` (httpx, Starlette via FastAPI, uvicorn).
"""

from aimds.integrations.proxy.app import create_proxy_app
from aimds.integrations.proxy.holdback import HoldBack, Released

__all__ = ["HoldBack", "Released", "create_proxy_app"]
