"""Policy section ``streaming``: the hold-back window of streamed completions.

A gateway that streams a model's answer (``aimds proxy``) never sends text it has not
checked. It holds the stream's newest ``holdback_chars`` characters back, because a secret
split across chunks may start there, and checks the pending text at the latest
``holdback_ms`` milliseconds after it arrived (or as soon as ``holdback_chars`` new
characters are pending). Larger windows catch longer split values; smaller ones add less
delay to the first token. ``max_buffer_chars`` bounds the text held while a redacted value
keeps growing at the end of the stream; past it the stream is cut before that value.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from aimds.policy.fields import Section

__all__ = ["StreamingSection"]


class StreamingSection(Section):
    """Settings of the ``streaming`` section; the defaults hold back 128 characters, 200 ms."""

    holdback_chars: int = Field(default=128, ge=16, le=65_536)
    holdback_ms: int = Field(default=200, ge=0, le=60_000)
    max_buffer_chars: int = Field(default=16_384, ge=64, le=1_048_576)

    @model_validator(mode="after")
    def _buffer_holds_the_window(self) -> StreamingSection:
        if self.max_buffer_chars < 2 * self.holdback_chars:
            raise ValueError(
                "max_buffer_chars must be at least twice holdback_chars "
                f"(got {self.max_buffer_chars} and {self.holdback_chars})"
            )
        return self
