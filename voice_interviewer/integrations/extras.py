"""The opt-in flags of interview, demo and score (--llm, --stt, --job): checked options, clients, added fields.

Without these flags nothing here runs and nothing leaves the machine. Errors are raised before an interview starts;
the clients only ever report trouble through the notice callback and fall back to the local, rule-based path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from voice_interviewer.errors import UsageError

__all__ = ["opt_ins", "job_question_ids", "make_helpers", "review_answer", "finish_answer", "score_extras"]


def opt_ins(llm: str | None, llm_model: str, llm_timeout: float, llm_stream: bool, stt: str | None,
            stt_model: str, stt_timeout: float, job: Path | None) -> dict:
    """Checked options of the opt-in flags (bad values fail before anything starts); clients are made later."""
    from voice_interviewer.integrations.llm import LlmOptions
    from voice_interviewer.remote import check_url, require_openai

    extras: dict = {}
    if llm is not None:
        require_openai("--llm")
        if not 0.5 <= llm_timeout <= 120:
            raise UsageError(f"--llm-timeout {llm_timeout:g} is out of range; allowed 0.5 to 120")
        if not llm_model.strip():
            raise UsageError("--llm-model is empty; give the model's name on the server, e.g. llama3.2")
        extras["llm"] = LlmOptions(check_url("--llm", llm), llm_model, llm_timeout, llm_stream)
    if stt is not None:
        from voice_interviewer.speech.remote_stt import SttOptions

        require_openai("--stt")
        if not 1 <= stt_timeout <= 600:
            raise UsageError(f"--stt-timeout {stt_timeout:g} is out of range; allowed 1 to 600")
        extras["stt"] = SttOptions(check_url("--stt", stt), stt_model, stt_timeout)
    if job is not None:
        from voice_interviewer.content.job import read_job

        extras["job"] = read_job(job)
    return extras


def job_question_ids(extras: dict, personas: dict, stages: Sequence[str], per_stage: int) -> set[str] | None:
    """With --job, the per_stage questions of each stage most relevant to the job; None without it."""
    if "job" not in extras:
        return None
    from voice_interviewer.content.job import choose_questions

    return {q.id for s in stages for q in choose_questions(extras["job"], personas[s].questions, per_stage)}


def make_helpers(extras: dict, notice: Callable[[str], None]) -> dict:
    """Interview keyword arguments: the LLM coach, the speech-server client and the job profile."""
    helpers: dict = {"job": extras.get("job")}
    if "llm" in extras:
        from voice_interviewer.integrations.llm import LlmCoach

        helpers["llm"] = LlmCoach(extras["llm"], notice)
    if "stt" in extras:
        from voice_interviewer.speech.remote_stt import RemoteStt

        helpers["stt"] = RemoteStt(extras["stt"], notice)
    return helpers


def review_answer(doc: dict, transcript, persona, question, llm) -> object | None:
    """The opt-in --stt and --llm fields of an answer's document (added in place); the LLM's review, or None.

    The LLM needs the question (its key points); without one, or without --llm, there is no review."""
    from voice_interviewer.feedback import choose_follow_up
    from voice_interviewer.integrations.llm import gap_label

    if transcript.extra.get("stt"):
        doc["stt"] = transcript.extra["stt"]
    if llm is None or question is None:
        return None
    choice = choose_follow_up(doc, question)
    review = llm.review(persona, question, doc, gap_label(question, choice[0]) if choice else None)
    if review is not None:
        doc["llm"] = review.as_doc()
    return review


def finish_answer(doc: dict, review, job, said: str) -> None:
    """The LLM's critique joins the spoken feedback; with --job, the job's terms are counted over what was said."""
    from voice_interviewer.integrations.llm import spoken_critique

    if review is not None and review.critique:
        doc["spoken_feedback"] += " " + spoken_critique(review.critique)
    if job is not None:
        from voice_interviewer.content.job import answer_terms

        doc["job_terms"], finding = answer_terms(job, said)
        doc["findings"] = doc["findings"] + [finding]


def score_extras(doc: dict, transcript, found, helpers: dict) -> None:
    """Adds the opt-in fields (stt, llm, job_terms) to a score document; found is (persona, question) or None."""
    persona, question = found or (None, None)
    review = review_answer(doc, transcript, persona, question, helpers.get("llm"))
    finish_answer(doc, review, helpers.get("job"), doc["transcript"])
