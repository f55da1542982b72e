"""One exception hierarchy; only cli/ turns it into an exit code (2) and a one-line message."""

__all__ = [
    "InterviewerError",
    "AudioInputError",
    "DeviceError",
    "ModelError",
    "PersonaError",
    "SessionError",
    "UsageError",
]


class InterviewerError(Exception):
    """Bad input or environment: the message names the problem and what is allowed."""


class UsageError(InterviewerError):
    """A flag or argument out of range."""


class AudioInputError(InterviewerError):
    """An audio file that cannot be read as speech audio."""


class DeviceError(InterviewerError):
    """A sound device that does not exist or cannot be opened."""


class ModelError(InterviewerError):
    """A speech model that cannot be found or loaded."""


class PersonaError(InterviewerError):
    """A persona file that does not validate."""


class SessionError(InterviewerError):
    """A session folder that is missing or damaged."""
