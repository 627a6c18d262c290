"""Errors the detector raises: each message is a sentence a person can act on."""


class DetectorError(Exception):
    """Base class for detector errors."""


class ModelDirError(DetectorError):
    """A model directory is missing, corrupt, or was written by an incompatible version."""


class ImageFormatError(DetectorError, ValueError):
    """Images are not SkeleMotion PNGs of shape (45, 100, 3)."""
