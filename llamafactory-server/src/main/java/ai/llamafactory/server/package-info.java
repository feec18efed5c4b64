/**
 * An OpenAI-compatible HTTP server for any {@link ai.llamafactory.api.chat.ChatModel}
 * ({@link ai.llamafactory.server.OpenAiServer}): chat completions with server-sent-event streaming and tool calls,
 * model listing, health, an optional bearer key, bounded concurrency with a queue, request timeouts and graceful
 * shutdown. Built on Javalin (Jetty).
 */
package ai.llamafactory.server;
