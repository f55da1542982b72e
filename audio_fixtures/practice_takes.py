"""Render three practice weeks of the same candidate answering the same panel questions, getting better.

Run from the repository root:

    python audio_fixtures/practice_takes.py OUT_DIR

writes OUT_DIR/week1/, week2/, week3/ (one WAV per question, in question order), ready for

    voice-interviewer interview --stage panel --questions N --input OUT_DIR/weekK --fast --mute --no-follow-ups

where N is the number of files in the week's folder (2, 2, 3). `progress` and `stories` then have three real
sessions that differ the way a candidate's practice does: week 1 rambles fast with fillers and no result, week 2 has
most of the structure, week 3 is complete, at a calmer pace, with numbers, and adds a second story (panel-conflict).
Nothing is written into session files by hand: every figure comes from the real pipeline hearing these recordings.

The texts use make_fixtures.py's markup ({um} filler, [part] structure label). The WAVs are not committed (tests
render them in a few seconds); the same espeak-ng voice is used every week, only the rate and the words change.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_fixtures import US_MALE, Answer, _wav_bytes, render  # noqa: E402

__all__ = ["WEEKS", "render_weeks", "main"]

_ALIGN = "Tell me about a time two of your engineering teams could not agree on a technical approach."
_DEPS = "When teams depend on each other but have different priorities, how do you keep those dependencies under control?"
_CONFLICT = "Tell me about a real conflict you had with a peer or a team lead."

WEEKS: dict[str, tuple[Answer, ...]] = {
    "week1": (
        Answer("panel-alignment", _ALIGN, US_MALE, 190, ("fillers", "missing-result"),
               "{Um}, {so} there was this time on the checkout rebuild where, {you know}, the payments team and "
               "the orders team {basically} could not agree on payment events. {Um}, we had a lot of meetings "
               "about it. We talked about it a lot and, {like}, we looked at both designs. {I mean}, we got "
               "everyone in a room in the end and we went with the event stream, {you know}, and things were "
               "better after that."),
        Answer("panel-dependencies", _DEPS, US_MALE, 190, ("fillers",),
               "{Um}, I think dependencies are, {like}, really important. I would talk to the teams a lot and, "
               "{you know}, make sure they know what they need from each other. {Basically} if something is late "
               "I would tell my manager, and we would figure it out together, {you know}."),
    ),
    "week2": (
        Answer("panel-alignment", _ALIGN, US_MALE, 172, ("fillers",),
               "[situation] Last year I ran the checkout rebuild, and the payments team and the orders team "
               "disagreed for three weeks on how to handle payment events. {Um}, it was blocking our launch date. "
               "[task] My job was to get both teams to a decision they would commit to. [action] I met each tech "
               "lead one on one, and, {you know}, I pulled six months of incident history. It showed that forty "
               "percent of checkout failures came from timeouts between the two services. Then I set up one "
               "design review with written decision criteria. [result] The teams chose an event stream, and we "
               "launched on the original date."),
        Answer("panel-dependencies", _DEPS, US_MALE, 172, ("fillers",),
               "[dependencies] I keep a dependency map that lists the team asking, the team delivering, and the "
               "date each piece is needed. [cadence] {Um}, I review it with the leads every two weeks. [risks] When "
               "a dependency is at risk, I go to the providing team's manager with data about the launch it "
               "blocks, and I bring options, {you know}, {!like} reordering their backlog or changing the design."),
    ),
    "week3": (
        Answer("panel-alignment", _ALIGN, US_MALE, 150, ("star-complete",),
               "[situation] Last year I was the program manager for our checkout rebuild. The payments team and "
               "the orders team disagreed for three weeks on how to handle payment events, and it was blocking a "
               "launch date the business had announced. [task] My job was not to pick a winner, but to get both "
               "teams to a decision they would commit to within two weeks. [action] I met each tech lead one on "
               "one to learn what they were protecting. I pulled six months of incident history, which showed "
               "that forty percent of checkout failures came from timeouts between the two services. I ran one "
               "design review that opened with our shared goal, checkout availability, and I wrote the decision "
               "criteria down before anyone argued. [result] As a result, the teams chose an event stream. We made "
               "the decision in nine days and launched on the original date, and checkout failures fell by thirty "
               "five percent in the first quarter."),
        Answer("panel-dependencies", _DEPS, US_MALE, 150, ("framework-complete",),
               "[charter] I start from the shared goal: which launch each dependency serves, and what success "
               "means for both teams. [workstreams] Every dependency sits in a workstream with one accountable "
               "lead. [dependencies] I keep a dependency map with the team asking, the team delivering, and the "
               "date it is needed. [milestones] Each handoff has a milestone with written go or no-go criteria. "
               "[risks] Each risk has an owner and a mitigation, and when priorities clash I go to the manager "
               "with data: this blocks a launch worth two hundred thousand dollars a month. [cadence] I review "
               "the map with the leads every two weeks, and I hold a dependency review during quarterly planning."),
        Answer("panel-conflict", _CONFLICT, US_MALE, 150, ("star-complete",),
               "[situation] Two years ago a peer program manager and I clashed over the on call rotation for a "
               "shared payments gateway. His team wanted mine to carry every page. [task] I had to settle it "
               "without escalating to our director. [action] I asked him for coffee and listened first. Then we "
               "pulled three months of pager data together, and it showed that sixty percent of the pages came "
               "from his service. We agreed on a split rotation and a shared runbook. [result] Pages to my team "
               "fell by half within a month, and he and I still run the quarterly planning review together."),
    ),
}


def render_weeks(out_dir: Path) -> dict[str, list[Path]]:
    """Write every week's answers as OUT_DIR/<week>/<NN>-<question id>.wav; returns the files per week."""
    written: dict[str, list[Path]] = {}
    for week, answers in WEEKS.items():
        folder = out_dir / week
        folder.mkdir(parents=True, exist_ok=True)
        written[week] = []
        for number, answer in enumerate(answers, start=1):
            pcm, _parsed, _pauses = render(answer)
            path = folder / f"{number:02d}-{answer.question_id}.wav"
            path.write_bytes(_wav_bytes(pcm))
            written[week].append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("error: give one output folder: python audio_fixtures/practice_takes.py OUT_DIR", file=sys.stderr)
        return 2
    for week, files in render_weeks(Path(args[0])).items():
        print(f"{week}: {len(files)} answer(s) in {files[0].parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
