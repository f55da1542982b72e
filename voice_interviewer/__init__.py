"""voice-interviewer: an offline, voice-driven mock interviewer for TPM interviews."""

__version__ = "0.1.0"
__all__ = ["__version__"]
