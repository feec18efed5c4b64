package ai.llamafactory.core.contract;

import ai.llamafactory.api.spi.ChatModelProvider;
import ai.llamafactory.core.chat.DjlChatModelProvider;

/** Runs the {@link ChatModelContract} against the default DJL chat model. */
class DjlChatModelContractTest extends ChatModelContract {
    @Override
    protected ChatModelProvider provider() {
        return new DjlChatModelProvider();
    }
}
