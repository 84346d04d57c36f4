"""The pdfium getters govmap calls once per character or page object, without ctypes' argument checks.

pypdfium2 declares every C function's argument types, and ctypes then converts and checks each
argument on every call.  For the small getters called thousands of times a page (a character's
origin, a page object's type) that costs twice pdfium's own work.  These are the same C
functions, declared with their result type only: arguments go to C as they are.  So callers pass
handles as `Handle` (never a bare int, which would go as a 32-bit C int), indexes as Python ints
(C int) and out-parameters through `ctypes.byref`.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c

__all__ = [
    "Handle",
    "handle",
    "typed",
    "char_origin",
    "char_unicode",
    "char_is_generated",
    "char_loose_box",
    "char_text_object",
    "page_object",
    "form_object",
    "object_type",
    "path_segment",
    "segment_type",
    "segment_point",
    "segment_closes",
]


class Handle(ctypes.c_void_p):
    """A pdfium handle (page, text page, page object) as these functions take and return it.

    A subclass, so ctypes hands results back as Handles instead of converting them to ints."""


def handle(typed_handle: Any) -> Handle:
    """A pypdfium2 handle (e.g. `PdfTextPage.raw`) as a `Handle`."""
    return ctypes.cast(typed_handle, Handle)


def typed(h: Handle, kind: Any) -> Any:
    """A `Handle` as pypdfium2's typed handle `kind` (e.g. `pdfium_c.FPDF_PAGEOBJECT`), for its
    own functions."""
    return ctypes.cast(h, kind)


def _unchecked(function: Any, restype: Any) -> Any:
    """A second function object for pypdfium2's `function`: the same C address, no argument types
    (pypdfium2's own object keeps its declaration)."""
    fresh = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    fresh.restype = restype
    return fresh


# (text page, index, byref(c_double) x, byref(c_double) y) -> success
char_origin = _unchecked(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int)
# (text page, index) -> the character's Unicode code point
char_unicode = _unchecked(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
# (text page, index) -> 1 for a character pdfium inserted (a space or line break), 0 if not, -1 on error
char_is_generated = _unchecked(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)
# (text page, index, byref(FS_RECTF)) -> success
char_loose_box = _unchecked(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
# (text page, index) -> the address of the character's text object as an int (None for none):
# an identity to compare, not a handle to pass on
char_text_object = _unchecked(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)
# (page, index) -> Handle of the page's index-th object
page_object = _unchecked(pdfium_c.FPDFPage_GetObject, Handle)
# (form object, index) -> Handle of the form's index-th object
form_object = _unchecked(pdfium_c.FPDFFormObj_GetObject, Handle)
# (page object) -> FPDF_PAGEOBJ_* kind
object_type = _unchecked(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)
# (path object, index) -> Handle of the path's index-th segment
path_segment = _unchecked(pdfium_c.FPDFPath_GetPathSegment, Handle)
# (segment) -> FPDF_SEGMENT_* kind
segment_type = _unchecked(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int)
# (segment, byref(c_float) x, byref(c_float) y) -> success
segment_point = _unchecked(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int)
# (segment) -> whether the segment closes its subpath
segment_closes = _unchecked(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int)
