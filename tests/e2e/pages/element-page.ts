// <edgestream-player> as a page would use it: `?video=<id>&viewer=<name>[&controls=1]` (with the
// SDK's control bar). Records the element's re-dispatched events on `window.elementEvents`.
import "@edgestream/player-sdk/element";
import { signIn } from "./record.ts";

const params = new URLSearchParams(location.search);
if (params.get("controls")) await import("@edgestream/player-sdk/controls");
const events: string[] = [];
Object.assign(window, { elementEvents: events });
const element = document.createElement("edgestream-player");
for (const name of ["status", "ready", "playing", "error"]) element.addEventListener(`edgestream-${name}`, () => events.push(name));
element.setAttribute("video-id", params.get("video")!);
element.setAttribute("token", await signIn(params.get("viewer") ?? "element"));
element.setAttribute("muted", "");
element.setAttribute("autoplay", "");
document.body.append(element);
