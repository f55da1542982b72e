"""An answer's audio reaches the disk at the pace it is captured, however far the interview loop falls behind.

Measured here under load (2 cores, load average 9): the loop trailed the microphone by a median 7.8 s and up to
22 s while Whisper decoded; the audio waiting in the microphone's queue would have died with a killed process. For
live sources (a microphone, a recording fed at speaking speed) a thread of its own pulls the frames, writes them to
the WavRecorder (its header refreshed every 0.5 s) and hands them to the loop through a bounded queue. A recording
fed as fast as possible is already safe on disk: it is read and written in the loop, with no thread.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator

from voice_interviewer.audio.files import WavRecorder
from voice_interviewer.audio.sources import AudioSource
from voice_interviewer.errors import InterviewerError
from voice_interviewer.records import AudioFrame

__all__ = ["RecordedFrames"]

_MAX_AHEAD_FRAMES = 4000  # 2 minutes of 30 ms frames recorded ahead of the loop; then the source's own queue waits
_POLL_S = 0.25
_JOIN_S = 3.0


class _Ended:
    """The source ran out (error is None) or failed (error is re-raised in the loop)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class RecordedFrames:
    """Iterate the frames of source; each is in recorder before the loop sees it. stop() when the answer ends."""

    def __init__(self, source: AudioSource, recorder: WavRecorder) -> None:
        self._source = source
        self._recorder = recorder
        self.live = getattr(source, "realtime", True)  # a microphone, or a recording at speaking speed
        self._queue: queue.Queue = queue.Queue(maxsize=_MAX_AHEAD_FRAMES)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.recorded_s = 0.0  # the end of the last frame on disk, on the source's clock

    def __iter__(self) -> Iterator[AudioFrame]:
        if not self.live:
            for frame in self._source.frames():
                self._recorder.write(frame.pcm)
                self.recorded_s = frame.end_s
                yield frame
            return
        self._thread = threading.Thread(target=self._record, daemon=True, name="answer-recorder")
        self._thread.start()
        while True:
            try:
                item = self._queue.get(timeout=_POLL_S)  # a timeout keeps Ctrl-C deliverable here
            except queue.Empty:
                continue
            if isinstance(item, _Ended):
                if item.error is not None:
                    raise item.error
                return
            yield item

    def _record(self) -> None:
        frames = self._source.frames()
        try:
            for frame in frames:
                self._recorder.write(frame.pcm)
                self.recorded_s = frame.end_s
                if not self._hand_over(frame):
                    break
        except BaseException as exc:  # noqa: BLE001 - a lost device or a full disk: raised again in the loop
            self._hand_over(_Ended(exc))
        else:
            self._hand_over(_Ended())
        finally:
            frames.close()

    def _hand_over(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def stop(self) -> None:
        """The answer is over: the recording thread stops after the frame it is writing."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=_JOIN_S)

    def keep_queued(self) -> None:
        """After Ctrl-C or a failure: also keep what the microphone captured but nobody has read yet."""
        self.stop()
        queued = getattr(self._source, "take_queued", lambda: b"")()
        with contextlib.suppress(InterviewerError):  # best effort: the error being raised matters more
            self._recorder.write(queued[: len(queued) // 2 * 2])
