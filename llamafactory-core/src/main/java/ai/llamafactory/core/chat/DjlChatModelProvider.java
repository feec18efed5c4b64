package ai.llamafactory.core.chat;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.spi.ChatModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Registers {@link DjlChatModel} with {@link java.util.ServiceLoader}, so that {@code llamafactory chat} and
 * {@code llamafactory api} (and any code holding only the api module) get a chat model from a configuration through
 * {@link ai.llamafactory.api.spi.Plugins#chatModelProvider}.
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

    /** Loads any existing folder; what is missing in it is reported by {@link #load}. */
    @Override
    public boolean supportsFolder(Path folder) {
        return Files.isDirectory(folder);
    }

    /** {@inheritDoc} Loads it with {@link DjlChatModel#fromFolder(Path, GeneratingArguments)}. */
    @Override
    public ChatModel load(Path folder, GeneratingArguments generating) {
        return DjlChatModel.fromFolder(folder, generating);
    }
}
