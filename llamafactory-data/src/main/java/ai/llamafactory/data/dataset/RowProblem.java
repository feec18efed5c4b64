package ai.llamafactory.data.dataset;

/**
 * A dropped row: which dataset, where in which file, why, which field and an excerpt of the offending value.
 *
 * @param dataset the dataset name
 * @param location {@code file:line} or {@code file[#index]}
 * @param reason the category
 * @param field the column, message index or tag concerned (e.g. {@code conversations[2].from}); may be empty
 * @param detail what was wrong, with an excerpt of the value
 */
public record RowProblem(String dataset, String location, DropReason reason, String field, String detail) {

    /** @return one line for logs and error messages */
    public String message() {
        return "dataset '" + dataset + "' " + location + ": " + reason.label()
                + (field == null || field.isEmpty() ? "" : " in '" + field + "'") + ": " + detail;
    }

    @Override
    public String toString() {
        return message();
    }
}
