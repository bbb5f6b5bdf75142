// The owner's "Add subtitles" form on a video page: a .vtt or .srt file with its language and
// label, and the sidecar tracks the video already has (each deletable). Players pick the new
// track up the next time they ask /stream.
import { addSubtitles, deleteSubtitles, listSubtitles, type SubtitleTrack } from "./api.ts";
import { el } from "./dom.ts";

export function subtitlesForm(videoId: string): HTMLElement {
  const file = el("input", { type: "file", id: "subtitles-file", name: "file", accept: ".vtt,.srt,text/vtt,application/x-subrip", required: "" });
  const language = el("input", { id: "subtitles-language", name: "language", placeholder: "en, fr, pt-BR", maxlength: "35", required: "", size: "8" });
  const label = el("input", { id: "subtitles-label", name: "label", placeholder: "English (CC)", maxlength: "64", size: "14" });
  const form = el(
    "form",
    { class: "inline", id: "add-subtitles" },
    el("label", { for: "subtitles-file" }, "File"),
    file,
    el("label", { for: "subtitles-language" }, "Language"),
    language,
    el("label", { for: "subtitles-label" }, "Label"),
    label,
    el("button", { type: "submit", class: "button" }, "Add subtitles"),
  );
  const list = el("ul", { class: "subtitle-tracks", id: "subtitle-tracks" });
  const note = el("p", { class: "owner-note", role: "status" });

  const show = (tracks: SubtitleTrack[]) =>
    list.replaceChildren(
      ...tracks.map((t) => {
        const remove = el("button", { type: "button", class: "button" }, "Remove");
        remove.addEventListener("click", async () => {
          try {
            await deleteSubtitles(videoId, t.id);
            show(await listSubtitles(videoId));
          } catch (error) {
            note.textContent = (error as Error).message;
          }
        });
        return el("li", {}, `${t.label} (${t.language}, ${t.cues} cues) `, remove);
      }),
    );
  const refresh = () => listSubtitles(videoId).then(show, (error: Error) => (note.textContent = error.message));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      const track = await addSubtitles(videoId, chosen, language.value.trim(), label.value.trim());
      note.textContent = `Added “${track.label}”: reload the page to see it in the player.`;
      form.reset();
      await refresh();
    } catch (error) {
      note.textContent = (error as Error).message;
    }
  });
  void refresh();
  return el("section", { class: "subtitles" }, el("h3", {}, "Subtitles"), form, list, note);
}
