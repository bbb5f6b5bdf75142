// What an example needs from its site: the worker's URL, the video and a viewer JWT. Your backend
// puts them in the page; these examples read them from the query string
// (`?api=https://video.example.com&video=<id>&token=<jwt>`).
const query = new URLSearchParams(location.search);

export const settings = {
  apiBase: query.get("api") ?? "",
  videoId: query.get("video") ?? "",
  token: query.get("token") ?? "",
};
