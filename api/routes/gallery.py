"""Counterfeit gallery: list/get (scan keys), add/remove (admin keys, audited)."""
from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.audit import request_fields
from api.deps import AdminKey, AuditDep, ScanKey, ScannerDep, SettingsDep
from api.errors import ApiError, status_for_code
from api.limits import check_upload_count, image_too_large
from api.schemas import GalleryAdded, GalleryEntry, GalleryList, error_responses
from scanner.results import ImageInputError

router = APIRouter(prefix="/v1/gallery", tags=["gallery"])


def _gallery(scanner: Any) -> Any:
    images = scanner.images
    if images is None:
        raise ApiError(503, "images_disabled", "this service was started without an image gallery")
    return images


def _plain(entry: Any) -> dict[str, Any]:
    if isinstance(entry, dict):
        return entry
    if hasattr(entry, "to_dict"):
        return entry.to_dict()
    from dataclasses import asdict, is_dataclass

    if is_dataclass(entry):
        return asdict(entry)
    return dict(entry)


def _not_found(gallery_id: str) -> ApiError:
    return ApiError(404, "gallery_not_found", f"no gallery entry with id {gallery_id!r}")


@router.get("", summary="List gallery entries", response_model=GalleryList, responses=error_responses(401, 503))
async def list_gallery(_key: ScanKey, scanner: ScannerDep) -> dict[str, Any]:
    images = _gallery(scanner)
    return await run_in_threadpool(images.listing_document)


@router.get("/{gallery_id}", summary="One gallery entry", response_model=GalleryEntry,
            responses=error_responses(401, 404, 503))
async def get_gallery_entry(gallery_id: str, _key: ScanKey, scanner: ScannerDep) -> dict[str, Any]:
    entry = await run_in_threadpool(_gallery(scanner).get, gallery_id)
    if entry is None:
        raise _not_found(gallery_id)
    return _plain(entry)


@router.get("/{gallery_id}/thumbnail", summary="Thumbnail of a gallery image (JPEG/PNG)",
            response_class=Response, responses={200: {"content": {"image/jpeg": {}, "image/png": {}}},
                                                **error_responses(401, 404, 503)})
async def gallery_thumbnail(gallery_id: str, _key: ScanKey, scanner: ScannerDep) -> Response:
    images = _gallery(scanner)
    if not hasattr(images, "thumbnail"):
        raise ApiError(404, "thumbnail_unavailable", "this gallery does not keep thumbnails")
    data = await run_in_threadpool(images.thumbnail, gallery_id)
    if not data:
        raise _not_found(gallery_id)
    media = "image/png" if data[:4] == b"\x89PNG" else "image/jpeg"
    return Response(content=data, media_type=media, headers={"Cache-Control": "private, max-age=3600"})


@router.post(
    "",
    status_code=201,
    summary="Add counterfeit images (admin)",
    description="Multipart: one or more files in `images`, the `brand` they counterfeit and an optional `label`. "
    "Needs an admin key; recorded in the audit log.",
    response_model=GalleryAdded,
    responses=error_responses(401, 403, 413, 415, 422, 503),  # 503: no gallery, or audit_unavailable
)
async def add_gallery(
    request: Request,
    admin: AdminKey,
    scanner: ScannerDep,
    settings: SettingsDep,
    audit: AuditDep,
    images: Annotated[list[UploadFile], File(description="image files")],
    brand: Annotated[str, Form(min_length=1, max_length=200, description="brand the images counterfeit")],
    label: Annotated[str | None, Form(max_length=200, description="free-text label, e.g. a product")] = None,
) -> dict[str, Any]:
    gallery = _gallery(scanner)
    brand = brand.strip()
    if not brand:
        raise ApiError(422, "invalid_request", "brand: must not be blank")
    label = label.strip() or None if label is not None else None
    check_upload_count(len(images), settings)
    blobs = []
    for upload in images:
        data = await upload.read(settings.max_image_bytes + 1)
        if len(data) > settings.max_image_bytes:
            raise image_too_large(len(data), settings)
        blobs.append(data)
    before = gallery.version
    # Intent first (with the images' sha256): if it cannot be written, AuditUnavailable answers 503
    # and nothing is stored.
    started = audit.begin(admin.name, "gallery.add", before=before, brand=brand, label=label,
                          sha256=[hashlib.sha256(b).hexdigest() for b in blobs], **request_fields(request))
    try:
        added = await run_in_threadpool(
            lambda: gallery.add(blobs, brand=brand, label=label, source=f"api:{admin.name}")
        )
    except ImageInputError as exc:
        audit.finish(started, "refused", after=gallery.version, error=exc.code)
        raise ApiError(status_for_code(exc.code), exc.code, exc.message) from None
    except ValueError as exc:  # the gallery's own argument checks
        audit.finish(started, "refused", after=gallery.version, error="invalid_request")
        raise ApiError(422, "invalid_request", str(exc)) from None
    except Exception as exc:
        audit.finish(started, "error", after=gallery.version, error=type(exc).__name__)
        raise
    added = [_plain(e) for e in added]
    after = gallery.version
    audit.finish(started, after=after, ids=[e.get("id") for e in added])
    request.state.action = "gallery.add"
    return {"added": added, "version": after}


@router.delete("/{gallery_id}", summary="Remove a gallery entry (admin)",
               responses=error_responses(401, 403, 404, 503))
async def remove_gallery(request: Request, gallery_id: str, admin: AdminKey, scanner: ScannerDep,
                         audit: AuditDep) -> dict[str, Any]:
    gallery = _gallery(scanner)
    before = gallery.version
    # Intent first: if it cannot be written, AuditUnavailable answers 503 and nothing is removed.
    started = audit.begin(admin.name, "gallery.remove", before=before, id=gallery_id, **request_fields(request))
    try:
        removed = await run_in_threadpool(gallery.remove, gallery_id)
    except Exception as exc:
        audit.finish(started, "error", after=gallery.version, error=type(exc).__name__)
        raise
    after = gallery.version
    if not removed:
        audit.finish(started, "not_found", after=after)
        raise _not_found(gallery_id)
    audit.finish(started, after=after)
    request.state.action = "gallery.remove"
    return {"removed": gallery_id, "version": after}
