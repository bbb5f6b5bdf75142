// <edgestream-player> with the SDK's control bar (the `controls` entry registers both). The element
// starts once it has a video id and a token.
import "@edgestream/player-sdk/controls";
import { settings } from "../settings.ts";

const element = document.querySelector("edgestream-player");
element.addEventListener("edgestream-error", (event) => event.detail.fatal && console.warn(event.detail.error.message));
element.setAttribute("api-base", settings.apiBase);
element.setAttribute("token", settings.token);
element.setAttribute("video-id", settings.videoId);
