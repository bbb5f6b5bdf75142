// A tiny element builder for the demo's views (text is always set as text, never as HTML).
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) node.setAttribute(key, value);
  node.append(...children.filter((c): c is Node | string => c !== null));
  return node;
}
