// The SDK's track API on a bare page: `?video=<id>&viewer=<name>`. Signs in as a demo viewer, plays
// with autoplay and exposes `window.player` and `window.tracks` (createTracks) for the test to drive and read.
import { createPlayer } from "@edgestream/player-sdk";
import { createTracks } from "@edgestream/player-sdk/tracks";
import { signIn } from "./record.ts";

const params = new URLSearchParams(location.search);
const video = document.querySelector<HTMLVideoElement>("#video")!;
const player = createPlayer(video, { videoId: params.get("video")!, token: await signIn(params.get("viewer") ?? "demo"), autoplay: true });
const tracks = createTracks(player);
Object.assign(window, { player, tracks });
