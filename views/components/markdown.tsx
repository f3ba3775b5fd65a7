import { raw } from "hono/html";
import MarkdownIt from "markdown-it";

// html: false makes markdown-it escape any HTML in the source; its link validator refuses
// javascript:, vbscript:, file: and data: URLs. Together that makes the output safe to embed.
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet("rel", "noopener noreferrer nofollow");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Markdown rendered to HTML with raw HTML disabled and unsafe links refused. */
export function Markdown(props: { source: string }) {
  return <div class="markdown">{raw(md.render(props.source))}</div>;
}
