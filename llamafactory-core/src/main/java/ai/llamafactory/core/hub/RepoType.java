package ai.llamafactory.core.hub;

/**
 * The kind of Hugging Face Hub repository. It decides the API path ({@code /api/models/...}), the prefix of download
 * URLs ({@code datasets/...}) and the cache folder name ({@code models--org--name}).
 */
public enum RepoType {
    /** A model repository, e.g. {@code Qwen/Qwen3-0.6B}. */
    MODEL("models", ""),
    /** A dataset repository, e.g. {@code llamafactory/alpaca_en}. */
    DATASET("datasets", "datasets/"),
    /** A Space repository. */
    SPACE("spaces", "spaces/");

    private final String plural;
    private final String urlPrefix;

    RepoType(String plural, String urlPrefix) {
        this.plural = plural;
        this.urlPrefix = urlPrefix;
    }

    /** @return the plural used in API paths and cache folder names: {@code models}, {@code datasets} or {@code spaces} */
    public String plural() {
        return plural;
    }

    /** @return what goes before the repository id in a download URL: empty for models, {@code datasets/} for datasets */
    String urlPrefix() {
        return urlPrefix;
    }
}
