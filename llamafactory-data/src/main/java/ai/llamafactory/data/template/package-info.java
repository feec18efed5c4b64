/**
 * Chat templates: LLaMA-Factory's registry of conversation formats ({@link ai.llamafactory.data.template.ChatTemplate},
 * {@link ai.llamafactory.data.template.TemplateRegistry}) that turn a conversation into (source ids, target ids) pairs
 * exactly as LLaMA-Factory does, tool formats, the fallback that derives a template from a tokenizer's Jinja
 * {@code chat_template}, the reverse export to Jinja, the tokenizer's own template
 * ({@link ai.llamafactory.data.template.HfChatTemplate}), and the audit that compares the two before training
 * ({@link ai.llamafactory.data.template.TemplateAudit}).
 */
package ai.llamafactory.data.template;
