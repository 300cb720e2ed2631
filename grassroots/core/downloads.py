"""Stored uploads sent back to the browser, the same way in every app: never sniffed, in a
sandbox (a file that is really a page runs nothing), a missing file a 404.

An upload is a download with the type checked when it was uploaded (uploads.content_type_for);
only images the app decoded itself (photos, its own JPEG thumbnails) are shown inline.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from .uploads import content_type_for, kind_of


def stored_file_response(
    fieldfile,
    *,
    content_type: str,
    filename: str | None = None,
    cache: str = "private, no-store",
) -> FileResponse:
    """The stored file as a response: an attachment named `filename`, or inline without."""
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=filename is not None,
        filename=filename or "",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache
    return response


def attachment_response(fieldfile, filename: str, kind: str = "") -> FileResponse:
    """A stored upload, always as a download with the type checked at upload (`kind`, or the
    kind its extension names): never shown by the browser, never cached by a shared proxy."""
    if not fieldfile:
        raise Http404
    return stored_file_response(
        fieldfile, filename=filename, content_type=content_type_for(kind or kind_of(fieldfile.name))
    )


def image_response(fieldfile, content_type: str) -> FileResponse:
    """An image the app decoded at upload, or a thumbnail it wrote, shown inline (kept an hour
    by the browser)."""
    return stored_file_response(fieldfile, content_type=content_type, cache="private, max-age=3600")
