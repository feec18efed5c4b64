package ai.llamafactory.core.chat;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.spi.ChatModelProvider;

/**
 * Registers {@link DjlChatModel} with {@link java.util.ServiceLoader}, so that {@code llamafactory chat} and
 * {@code llamafactory api} (and any code holding only the api module) get a chat model from a configuration through
 * {@link ai.llamafactory.api.spi.ChatModelProviders#select}.
 */
public final class DjlChatModelProvider implements ChatModelProvider {
    /** Creates the provider; cheap, loads nothing. */
    public DjlChatModelProvider() {}

    @Override
    public String name() {
        return "djl-chat";
    }

    @Override
    public ChatModel create(FineTuneConfig config) {
        return DjlChatModel.create(config);
    }
}
