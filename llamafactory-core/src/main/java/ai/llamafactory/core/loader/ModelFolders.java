package ai.llamafactory.core.loader;

import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.hub.HubClient;
import ai.llamafactory.core.hub.HubFileFilters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Turns {@code model_name_or_path} into a local folder: an existing folder as it is, a hub id ({@code org/name})
 * through the Hugging Face cache (downloading what is missing unless offline).
 */
public final class ModelFolders {
    private ModelFolders() {}

    /**
     * @param arguments the model arguments
     * @return a local folder holding config.json and the weights
     * @throws CheckpointException if the path is neither a folder nor a resolvable hub id
     */
    public static Path resolve(ModelArguments arguments) {
        String name = arguments.modelNameOrPath();
        Path local = Paths.get(name);
        if (Files.isDirectory(local)) {
            return local.toAbsolutePath().normalize();
        }
        if (!HubClient.isValidRepoId(name)) {
            throw new CheckpointException(
                    "model_name_or_path: '" + name + "' is neither a local folder nor a hub id of the form org/name");
        }
        return HubClient.forModel(arguments).snapshot(name, arguments.revision(), HubFileFilters.modelFiles());
    }
}
