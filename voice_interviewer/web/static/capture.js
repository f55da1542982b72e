// AudioWorklet: hands each block of microphone samples (mono, the context's rate) to the page.
class ViCapture extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel && channel.length) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor("vi-capture", ViCapture);
