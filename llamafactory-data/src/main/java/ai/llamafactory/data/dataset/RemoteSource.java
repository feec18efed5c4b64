package ai.llamafactory.data.dataset;

/**
 * Where a {@code dataset_info.json} entry says a dataset lives when it is not a local file. Recognised so that the
 * error can say what to download; never fetched (this library works offline).
 *
 * @param key the {@code dataset_info.json} key, e.g. {@code hf_hub_url}
 * @param location its value, e.g. {@code tatsu-lab/alpaca}
 */
public record RemoteSource(String key, String location) {
    /** The keys that name a remote source, in LLaMA-Factory's order of priority. */
    public static final java.util.List<String> KEYS =
            java.util.List.of("hf_hub_url", "ms_hub_url", "om_hub_url", "script_url", "cloud_file_name");
}
