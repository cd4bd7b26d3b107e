// Drag and drop onto the file picker, and live progress of a running import.
(() => {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("id_files");
  const chosen = document.getElementById("chosen");
  const show = () => {
    if (chosen && input) chosen.textContent = Array.from(input.files).map((f) => f.name).join("、");
  };
  if (zone && input) {
    input.addEventListener("change", show);
    show(); // files chosen before this script ran (a fast hand, or the back button) are named too
    ["dragenter", "dragover"].forEach((type) =>
      zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add("over"); }));
    ["dragleave", "drop"].forEach((type) =>
      zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.remove("over"); }));
    zone.addEventListener("drop", (e) => { input.files = e.dataTransfer.files; show(); });
  }

  const progress = document.getElementById("progress");
  if (!progress || !progress.dataset.active) return;
  const poll = async () => {
    const response = await fetch(progress.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    progress.max = data.total;
    progress.value = data.done;
    document.getElementById("progress-text").textContent = `${data.done} / ${data.total}`;
    for (const file of data.files) {
      const cell = document.querySelector(`#file-${file.id} .file-status`);
      if (cell && cell.textContent.trim() !== file.label) cell.textContent = file.label;
    }
    const backlog = document.getElementById("index-backlog");
    const index = data.index;
    if (backlog && index.waiting) {
      let text = `检索索引：还有 ${index.waiting} 篇文章等待写入，写入后即可检索。`;
      if (index.failed) text += ` 其中 ${index.failed} 篇写入失败，将自动重试（原因：${index.error}）。`;
      if (!index.writer_running) text += " 索引写入进程没有运行（manage.py index_writer），请联系管理员。";
      backlog.textContent = text;
    }
    document.getElementById("upload-status").textContent = data.label;
    if (data.status === "queued" || data.status === "running" || data.status === "indexing") {
      setTimeout(poll, 1500);
    } else {
      window.location.reload();
    }
  };
  setTimeout(poll, 1000);
})();
