"""Audio in: file checks and decoding, the microphone and file sources, capture to disk as it is heard."""
