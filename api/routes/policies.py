"""GET /v1/policies: the named policy profiles (#20) this service scans with, for a caller (or the editor
page) choosing one for `options.policy`.

Open like /v1/categories: names, hashes and descriptions say nothing a result's `versions.policy` does not,
and the page needs them before anyone has entered a key. A request that sends a key learns what applies to
that key: its profile is marked `default`, and a pinned key's other profiles `allowed: false`. A key that is
sent but not configured is refused (401) rather than silently answered as anonymous.
"""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Security

from api.deps import ScannerDep, api_key_header, scan_principal
from api.auth import ANONYMOUS
from api.schemas import PoliciesOut, error_responses
from scanner.text.wordlists import DEFAULT_PROFILE

router = APIRouter(prefix="/v1/policies", tags=["policies"])


@router.get("", summary="Named policy profiles: name, hash, description (English, Chinese), which one applies",
            response_model=PoliciesOut, responses=error_responses(401, 503))
async def policies(request: Request, scanner: ScannerDep,
                   key: Annotated[str | None, Security(api_key_header)] = None) -> dict[str, Any]:
    principal = await scan_principal(request, key) if key and request.app.state.keys.enabled else ANONYMOUS
    profiles = scanner.text_engine.profiles
    applies = principal.policy if principal.policy in profiles else DEFAULT_PROFILE
    pinned = principal.policy_pinned and principal.policy in profiles
    names = [DEFAULT_PROFILE, *sorted(n for n in profiles if n != DEFAULT_PROFILE)]
    return {"policies": [{
        "name": name, "hash": profiles[name].hash,
        "description": {"en": profiles[name].description.get("en"), "zh": profiles[name].description.get("zh")},
        "default": name == applies, "allowed": not pinned or name == applies,
    } for name in names], "pinned": pinned}
