package ai.llamafactory.core.chat;

import java.nio.file.Path;

/** Chat models on conformance weights for tests outside this package. */
public final class ChatTestModels {
    private ChatTestModels() {}

    /**
     * @param folder where the model folder is written
     * @return the qwen3 conformance model with the byte-level tokenizer and the qwen3_nothink template, greedy
     */
    public static DjlChatModel qwen3(Path folder) {
        return ChatFixtures.chatModel(folder, ChatFixtures.greedy(32), null);
    }
}
