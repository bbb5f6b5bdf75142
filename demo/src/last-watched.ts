// The last video watched, remembered across reloads (this browser only).
const KEY = "edgestream-demo:last-video";

export const lastWatched = (): string | null => localStorage.getItem(KEY);
export const rememberWatched = (id: string): void => localStorage.setItem(KEY, id);
export const forgetWatched = (id: string): void => {
  if (lastWatched() === id) localStorage.removeItem(KEY);
};
