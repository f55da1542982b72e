"""Questions for the interviewer: at a stage's end the persona asks what the candidate wants to know, listens,
answers in character, and says how the questions came across (feedback/asks.py judges them).

Stored in session.json as "questions_back": one record per stage, with the audio files it wrote.
"""

from __future__ import annotations

from voice_interviewer.content.personas import KeyPoint, Persona, Question
from voice_interviewer.feedback.asks import ASK_PROMPT, analyze_asks, persona_reply

__all__ = ["ask_questions_back", "asks_question"]

_BUDGET_S = 120


def asks_question(persona: Persona) -> Question:
    """The prompt as a Question, so listening, the countdown and typed answers work as for any answer."""
    return Question(
        id=f"{persona.stage}-asks", text=ASK_PROMPT.get(persona.stage, ASK_PROMPT["panel"]), kind="screen",
        structure="none", tests="questions for the interviewer", budget_s=_BUDGET_S,
        key_points=(KeyPoint(id="team-challenges", label="ask about the team's program challenges",
                             synonyms=("challenge", "program", "team")),
                    KeyPoint(id="role-success", label="ask how success in the role is measured",
                             synonyms=("success", "measure", "first six months"))))


def ask_questions_back(interview, persona: Persona, label: str) -> dict | None:
    """Run the questions-back exchange inside an Interview; returns the stored record (None when skipped)."""
    stage = persona.stage
    if not interview.candidate.has_asks(stage):  # recordings without <stage>.asks.wav: skipped without a word
        return None
    question = asks_question(persona)
    interview.say(persona, "question", question.text, f"{stage}-asks-q.wav")
    source = interview.candidate.asks(stage, question)
    if source is None:
        return None
    answer = interview.listen(source, question, label, f"{stage}-asks.wav")
    doc = analyze_asks(answer.transcript.text, stage)
    reply = persona_reply(stage, doc)
    record = {**doc, "persona": persona.name, "question_text": question.text,
              "question_audio": f"{stage}-asks-q.wav", "answer_audio": answer.audio,
              "reply": reply, "reply_audio": f"{stage}-asks-reply.wav",
              "feedback_audio": f"{stage}-asks-fb.wav", "end_reason": answer.end.reason}
    interview.session.setdefault("questions_back", []).append(record)
    interview.save()
    if reply:
        interview.say(persona, "reply", reply, record["reply_audio"])
    interview.say(persona, "feedback", doc["spoken_feedback"], record["feedback_audio"])
    return record
