// `import "@edgestream/player-sdk/controls"`: <edgestream-player> with its own control bar instead of
// the browser's (and attachControls for a player of your own). A separate entry point with its own
// size budget: the core and the bare element never load it.
import { EdgestreamPlayerElement } from "../element.ts";
import { attachControls } from "./control-bar.ts";

EdgestreamPlayerElement.controls = (element, player) => attachControls(element.shadowRoot!, player, element);

export { attachControls, SPEEDS, type Controls } from "./control-bar.ts";
export { formatTime } from "./format-time.ts";
export { EdgestreamPlayerElement };
