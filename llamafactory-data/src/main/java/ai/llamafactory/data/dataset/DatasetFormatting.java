package ai.llamafactory.data.dataset;

import ai.llamafactory.api.exception.DatasetException;
import java.util.Arrays;
import java.util.Locale;

/** How the rows of a dataset are laid out: LLaMA-Factory's {@code formatting} key of {@code dataset_info.json}. */
public enum DatasetFormatting {
    /** Columns {@code instruction}, {@code input}, {@code output}, optional {@code system} and {@code history}. */
    ALPACA,
    /** A list of {@code {"from": ..., "value": ...}} turns in a {@code conversations} column. */
    SHAREGPT,
    /** A list of {@code {"role": ..., "content": ...}} messages, with OpenAI {@code tool_calls} and tool results. */
    OPENAI;

    /** @return the value used in {@code dataset_info.json}, e.g. {@code sharegpt} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a {@code formatting} value.
     *
     * @param key the value found in the file
     * @param where what is being parsed, for the message (e.g. {@code dataset_info.json: dataset 'x'})
     * @return the formatting
     * @throws DatasetException naming the value and the accepted ones
     */
    public static DatasetFormatting fromKey(String key, String where) {
        for (DatasetFormatting f : values()) {
            if (f.key().equals(key)) {
                return f;
            }
        }
        throw new DatasetException(where + ": formatting '" + key + "' is not one of "
                + Arrays.toString(
                        Arrays.stream(values()).map(DatasetFormatting::key).toArray()));
    }
}
