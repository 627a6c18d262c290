"""Errors the pipeline raises for bad input: each carries a sentence a person understands."""


class PipelineError(Exception):
    """Base class: `str(error)` is a one-line reason fit for a user."""


class VideoUnreadable(PipelineError):
    """The file is empty, not a video, truncated beyond use, or has no decodable frames."""


class NoPersonVisible(PipelineError):
    """Pose estimation found no person (or too few frames with one) to analyse."""


class VideoTooLong(PipelineError):
    """The video runs past the longest a set may last (its header may not have said so)."""


class AudioUnreadable(PipelineError):
    """A file given as a sound recording is not one: not a container or codec a browser
    records, a video, no sound, or not decodable."""
