"""--job: term extraction, question choice and term reporting (pure), and the CLI's checks of the job file."""

from __future__ import annotations

import pytest
from conftest import ROOT, run_cli

from voice_interviewer.content.job import (
    answer_terms,
    choose_questions,
    job_profile,
    question_relevance,
    read_job,
    session_terms,
)
from voice_interviewer.content.personas import load_personas
from voice_interviewer.errors import UsageError

JOB = ROOT / "tests" / "data" / "job-platform-tpm.md"

PAYMENTS_JOB = """Technical Program Manager - Payments

You will lead payment launches across mobile and web. Work with Stripe and Adyen as vendors, run PCI compliance
audits, and drive the checkout roadmap with product and engineering. You own fraud reduction metrics and the
settlement reconciliation program; settlement reconciliation spans finance, risk and three engineering teams.
Experience with payments, compliance and vendor management is required. We offer great benefits and a strong culture.
"""


@pytest.fixture(scope="module")
def platform():
    return read_job(JOB)


def test_terms_that_matter_are_found(platform):
    terms = [t.text for t in platform.terms]
    for expected in ("kubernetes", "migration", "microservices", "risk management", "dependencies", "terraform"):
        assert expected in terms, terms
    for boilerplate in ("experience", "strong", "years", "team", "apply", "example"):
        assert not any(boilerplate in t.split() for t in terms), terms
    weights = [t.weight for t in platform.terms]
    assert weights == sorted(weights, reverse=True)


def test_repeated_phrases_and_named_tools_count_outside_the_lexicon():
    terms = {t.text: t for t in job_profile(PAYMENTS_JOB).terms}
    assert {"payments", "compliance", "vendors", "launch"} <= set(terms)
    assert "settlement reconciliation" in terms and not terms["settlement reconciliation"].lexicon
    assert {"stripe", "adyen"} <= set(terms)
    assert not {"culture", "benefits", "great"} & set(terms)


def test_questions_are_chosen_toward_the_job(platform):
    personas = load_personas()
    questions = personas["hiring-manager"].questions
    chosen = choose_questions(platform, questions, 2)
    assert [q.id for q in chosen] == [q.id for q in questions if q in chosen]  # persona order kept
    best = max(question_relevance(platform, q) for q in questions)
    assert question_relevance(platform, chosen[0]) == best or question_relevance(platform, chosen[1]) == best
    assert "hm-platform-migration" in [q.id for q in chosen]
    technical = personas["technical"].questions
    vendor_heavy = [q.id for q in choose_questions(job_profile(PAYMENTS_JOB), technical, 2)]
    assert "tech-build-vs-buy" in vendor_heavy  # Stripe and Adyen as vendors
    assert "tech-build-vs-buy" not in [q.id for q in choose_questions(platform, technical, 2)]


def test_terms_used_and_never_said(platform):
    used, finding = answer_terms(platform, "We moved 40 micro-services onto Kubernetes clusters; the risks had owners.")
    assert {"kubernetes", "risk management"} <= set(used["used"]) and "terraform" in used["missing"]
    assert finding["kind"] == "job-terms" and finding["severity"] == "info" and "kubernetes" in finding["message"]
    session = session_terms(platform, [{"job_terms": used}, {"job_terms": {"used": ["terraform"]}}])
    assert "terraform" in session["used"] and "kubernetes" in session["used"]
    assert set(session["used"]) | set(session["never"]) == {t.text for t in platform.terms}


@pytest.mark.parametrize("content, problem", [
    (b"", "no job terms"),
    (b"   \n\n  ", "no job terms"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"\xff\xfe\xfa caf\xe9", "not UTF-8"),
])
def test_bad_job_files_are_usage_errors(tmp_path, content, problem):
    path = tmp_path / "job.md"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=problem):
        read_job(path)


@pytest.mark.cli
@pytest.mark.parametrize("args, message", [
    (["score", "x.wav", "--job", "/nonexistent/job.md"], "error: --job /nonexistent/job.md: file not found"),
    (["interview", "--type", "--job", "tests"], "error: --job tests: is a directory"),
    (["interview", "--type", "--llm", "localhost:11434"], "error: --llm 'localhost:11434' is not a server address"),
    (["demo", "--stt", "ftp://box/v1"], "error: --stt 'ftp://box/v1' is not a server address"),
    (["interview", "--type", "--llm", "http://127.0.0.1:9/v1", "--llm-timeout", "0"],
     "error: --llm-timeout 0 is out of range"),
    (["score", "x.wav", "--llm", "http://127.0.0.1:9/v1"], "error: --llm needs --question ID"),
])
def test_cli_rejects_bad_opt_in_flags(args, message):
    result = run_cli(*args)
    assert result.returncode == 2 and result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.cli
def test_cli_rejects_a_binary_job_file(tmp_path):
    path = tmp_path / "job.pdf"
    path.write_bytes(b"%PDF-1.7\n\x00\x01binary")
    result = run_cli("score", str(JOB), "--job", str(path))
    assert result.returncode == 2 and result.stderr.startswith(f"error: --job {path}: binary file"), result.stderr
