// The interview page: the engine runs on this machine; this page is its microphone, speaker and screen.
// One WebSocket: JSON commands and 16 kHz int16 PCM frames go out, JSON events come back. No other network use.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const RATE = 16000;
const SEND_SAMPLES = 960; // 60 ms per WebSocket message
// Timestamps (performance.now(), ms) a benchmark or test can read: when the candidate ended an answer ("I'm done"),
// when the page learnt that an answer had ended (by any means), when each feedback card was painted.
window.viTimes = { done: [], ended: [], cards: [], micOpened: [] };

let socket = null;
let audioContext = null;
let mic = null;            // { stream, node, source } while an answer is being captured
let listening = false;
let pending = new Int16Array(0);
let resampler = null;
let player = null;

function setStatus(text) { $("status").textContent = text; }

function notice(text, kind) {
  const item = document.createElement("li");
  item.textContent = text;
  if (kind) item.className = kind;
  $("notices").appendChild(item);
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function setup() {
  const stage = $("stage");
  for (const s of config.stages) stage.add(new Option(`${s.id} — ${s.name}, ${s.role}`, s.id));
  stage.add(new Option("full loop — all five stages", "loop"));
  const questions = $("questions");
  questions.max = config.max_questions;
  const query = new URLSearchParams(location.search);
  stage.value = query.get("stage") || config.stage;
  if (!stage.value) stage.value = config.stage;
  questions.value = query.get("questions") || config.questions;
  $("setup-form").addEventListener("submit", (event) => { event.preventDefault(); start(); });
  $("done").addEventListener("click", endAnswer);
  $("skip").addEventListener("click", skipQuestion);
  $("unmute").addEventListener("click", () => { $("unmute").hidden = true; if (player) playNow(player); });
  document.addEventListener("keydown", (event) => {
    if (!listening || event.target.closest("input, select, textarea")) return;
    if (event.key === "Enter" && event.target.tagName !== "BUTTON") { event.preventDefault(); endAnswer(); }
    if (event.key === "Escape") { event.preventDefault(); skipQuestion(); }
  });
  if (query.get("autostart") === "1") start();
  else $("stage").focus();
}

async function start() {
  $("start").disabled = true;
  setStatus("Starting…");
  try {
    audioContext = new AudioContext({ sampleRate: RATE });
  } catch (error) {
    audioContext = new AudioContext(); // this browser cannot run at 16 kHz: resample in the page
  }
  if (audioContext.sampleRate !== RATE) resampler = makeResampler(audioContext.sampleRate, RATE);
  try {
    await audioContext.audioWorklet.addModule("/static/capture.js");
  } catch (error) {
    notice(`This browser cannot capture audio for the interview (${error.name}); use a current Chrome, Edge, ` +
      "Firefox or Safari.", "error");
    $("start").disabled = false;
    setStatus("Ready");
    return;
  }
  if (audioContext.state === "suspended") audioContext.resume().catch(() => {});
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(config.token)}`);
  socket.binaryType = "arraybuffer";
  socket.onopen = () => send({ type: "start", stage: $("stage").value, questions: Number($("questions").value) });
  socket.onmessage = (event) => handle(JSON.parse(event.data));
  socket.onclose = () => { stopMic(); if (!document.body.dataset.finished) setStatus("Disconnected from the interviewer"); };
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

const handlers = {
  hello(m) { if (m.busy) notice("Another interview is running on this server (another tab or window): finish or close it first."); },
  started(m) {
    $("setup").hidden = true;
    $("room").hidden = false;
    document.body.dataset.session = m.session;
    setStatus(`Session ${m.session}`);
  },
  spoke(m) {
    $("persona").textContent = m.persona.name;
    $("role").textContent = `${m.persona.role} · ${m.persona.stage}`;
    $("avatar").textContent = m.persona.name.split(/\s+/).map((w) => w[0]).join("").slice(0, 2);
    $("kind").textContent = m.kind;
    $("said").textContent = m.text;
    setStatus(`${m.persona.name} is speaking`);
  },
  play(m) {
    const url = `${m.url}?token=${encodeURIComponent(config.token)}`;
    player = new Audio(url);
    const finished = () => { if (player && player.src.endsWith(url)) { player = null; send({ type: "played" }); } };
    player.addEventListener("ended", finished);
    player.addEventListener("error", () => { notice("The interviewer's voice could not be played."); finished(); });
    playNow(player);
  },
  listen(m) {
    $("answer").hidden = false;
    $("live").textContent = "";
    $("fillers").textContent = "0";
    $("wpm").textContent = "–";
    $("pace").value = 0;
    $("clock").textContent = "0:00";
    $("left").textContent = `of ${clock(m.budget_s)}`;
    $("done").disabled = false;
    $("skip").disabled = m.follow_up;
    startMic();
  },
  "stop-listening"() {
    window.viTimes.ended.push(performance.now());
    stopMic();
    $("done").disabled = true;
    $("skip").disabled = true;
    setStatus("Thinking about your answer…");
  },
  listening(m) {
    const left = m.budget_s - m.elapsed_s;
    $("clock").textContent = clock(m.elapsed_s);
    $("clock").classList.toggle("over", left < 0);
    $("left").textContent = left >= 0 ? `${clock(left)} left` : `${clock(-left)} over`;
    setStatus(m.speaking ? "● Listening" : "● Listening — start when you are ready");
  },
  heard(m) {
    const live = $("live");
    live.textContent = "";
    const span = document.createElement("span");
    const committed = document.createElement("span");
    committed.textContent = m.committed;
    const tentative = document.createElement("span");
    tentative.className = "tentative";
    tentative.textContent = m.tentative ? ` ${m.tentative}` : "";
    span.append(committed, tentative);
    live.appendChild(span);
    $("fillers").textContent = m.fillers;
    $("wpm").textContent = m.wpm == null ? "–" : m.wpm;
    $("pace").value = m.wpm == null ? 0 : m.wpm;
  },
  scored(m) { showFeedback(m.index, m.record); },
  notice(m) { notice(m.text); },
  busy(m) { notice(m.text, "error"); setStatus("Busy"); $("start").disabled = false; },
  error(m) {
    stopMic();
    notice(m.text, "error");
    setStatus("Stopped");
    if (m.session) finish(m.session, "Interview stopped", m.text);
    else $("start").disabled = false;
  },
  finished(m) {
    const scores = m.scores.map((s) => s.score);
    const mean = scores.length ? Math.round(scores.reduce((a, b) => a + b, 0) / scores.length) : null;
    finish(m.session, "Interview finished",
      mean == null ? "No answer was scored." : `Average score ${mean}/100 over ${scores.length} answer(s).`);
  },
};

function handle(message) {
  const handler = handlers[message.type];
  if (handler) handler(message);
}

function finish(session, title, text) {
  document.body.dataset.finished = "1";
  $("room").hidden = true;
  $("end").hidden = false;
  $("end-title").textContent = title;
  $("end-text").textContent = text;
  $("report-link").href = `/sessions/${encodeURIComponent(session)}/report`;
  setStatus(title);
  $("report-link").focus();
  if (socket) socket.close();
}

function playNow(audio) {
  audio.play().catch((error) => {
    if (error.name === "NotAllowedError") { $("unmute").hidden = false; $("unmute").focus(); }
    else audio.dispatchEvent(new Event("error"));
  });
}

function showFeedback(index, record) {
  const card = document.createElement("article");
  card.className = "card feedback";
  card.dataset.index = index;
  const add = (tag, text, cls) => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    card.appendChild(el);
    return el;
  };
  add("h2", `Answer ${index}: ${record.question_text}`);
  add("p", `${record.score}/100`, "score");
  const timing = record.timing || {}, pace = record.pace || {}, fillers = record.fillers || {};
  add("p", `${Math.round(timing.duration_s || 0)} s${timing.over_budget ? " (over budget)" : ""} · ` +
    `${Math.round(pace.wpm || 0)} wpm (${pace.verdict || "–"}) · ${fillers.total || 0} filler(s) · ` +
    `${(record.pauses || {}).count || 0} long pause(s)`);
  const parts = (record.structure || {}).parts || {};
  const names = Object.keys(parts);
  if (names.length) add("p", `${record.structure.kind}: ` + names.map((n) => `${n} ${parts[n].present ? "✓" : "✗"}`).join("  "));
  const rated = Object.entries(record.dimensions || {}).filter(([, d]) => d.rating && d.rating !== "not-assessed");
  if (rated.length) add("p", rated.map(([id, d]) => `${id}: ${d.rating}`).join(" · "), "dimensions");
  const missing = (record.key_points || {}).missing || [];
  if (missing.length) add("p", `Missed: ${missing.join("; ")}`);
  const list = document.createElement("ul");
  for (const d of record.deductions || []) {
    const item = document.createElement("li");
    item.textContent = `−${d.points} ${d.reason}`;
    list.appendChild(item);
  }
  if (list.children.length) card.appendChild(list);
  const unclear = (record.findings || []).find((f) => f.kind === "hard-to-hear");
  if (unclear) add("p", unclear.message, "hearing");
  add("p", record.spoken_feedback || "", "spoken");
  $("feedback").prepend(card);
  requestAnimationFrame(() => window.viTimes.cards.push({ index, at: performance.now() }));
}

async function startMic() {
  listening = true;
  document.body.classList.add("listening");
  pending = new Int16Array(0);
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
    if (!listening) { stream.getTracks().forEach((t) => t.stop()); return; }
    if (audioContext.state === "suspended") await audioContext.resume();
    const source = audioContext.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(audioContext, "vi-capture", { numberOfOutputs: 0 });
    node.port.onmessage = (event) => capture(event.data);
    source.connect(node);
    mic = { stream, node, source };
    window.viTimes.micOpened.push(performance.now());
    $("done").focus();
  } catch (error) {
    notice(`The microphone could not be opened (${error.name}): allow it for this page, or check the device.`, "error");
    send({ type: "mic-failed", text: String(error) });
  }
}

function stopMic() {
  listening = false;
  document.body.classList.remove("listening");
  if (!mic) return;
  mic.source.disconnect();
  mic.node.port.onmessage = null;
  mic.stream.getTracks().forEach((t) => t.stop());
  mic = null;
  flush(true);
}

function capture(samples) {
  if (!listening) return;
  const floats = resampler ? resampler(samples) : samples;
  const block = new Int16Array(floats.length);
  for (let i = 0; i < floats.length; i++) {
    const v = Math.max(-1, Math.min(1, floats[i]));
    block[i] = v < 0 ? v * 0x8000 : v * 0x7fff;
  }
  const joined = new Int16Array(pending.length + block.length);
  joined.set(pending);
  joined.set(block, pending.length);
  pending = joined;
  flush(false);
}

function flush(all) {
  while (pending.length >= SEND_SAMPLES || (all && pending.length)) {
    const size = Math.min(SEND_SAMPLES, pending.length);
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(pending.slice(0, size).buffer);
    pending = pending.slice(size);
  }
}

function makeResampler(from, to) {
  // Linear interpolation, continuous across blocks; used only when the browser will not run a 16 kHz context.
  const step = from / to;
  let position = 0; // in [previous block's last sample, ...this block]
  let last = 0;
  return (input) => {
    const data = new Float32Array(input.length + 1);
    data[0] = last;
    data.set(input, 1);
    const out = [];
    while (position + 1 < data.length) {
      const i = Math.floor(position);
      out.push(data[i] + (data[i + 1] - data[i]) * (position - i));
      position += step;
    }
    position -= input.length;
    last = input[input.length - 1];
    return Float32Array.from(out);
  };
}

// Both close the microphone first: the answer is what was sent before the press, however far the engine trails.
function endAnswer() {
  if (!listening) return;
  window.viTimes.done.push(performance.now());
  stopMic();
  send({ type: "done" });
  setStatus("Finishing your answer…");
}

function skipQuestion() {
  if (!listening || $("skip").disabled) return;
  stopMic();
  send({ type: "skip" });
  setStatus("Skipping…");
}

setup();
