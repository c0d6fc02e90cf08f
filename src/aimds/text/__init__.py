"""Text normalisation: the views of a text that detectors scan (see :mod:`aimds.text.views`)."""

from aimds.text.marks import Mark
from aimds.text.views import DecodedSegment, TextViews, build_views

__all__ = ["DecodedSegment", "Mark", "TextViews", "build_views"]
