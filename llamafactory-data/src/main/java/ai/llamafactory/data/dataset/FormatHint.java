package ai.llamafactory.data.dataset;

import ai.llamafactory.api.config.Stage;

/** Describes the row layout a dataset entry expects, with its own column and tag names, for error messages. */
final class FormatHint {
    private FormatHint() {}

    static String expected(DatasetInfo info, Stage stage) {
        DatasetColumns c = info.columns();
        DatasetTags t = info.tags();
        String q = "\"";
        switch (info.formatting()) {
            case ALPACA: {
                if (stage == Stage.PT) {
                    return "pre-training rows like {" + q + c.prompt() + q + ": \"document text\"} (for a text "
                            + "column named 'text', set \"columns\": {\"prompt\": \"text\"})";
                }
                StringBuilder sb = new StringBuilder("alpaca rows like {" + q + c.prompt() + q + ": \"...\", " + q
                        + c.query() + q + ": \"(optional)\"");
                if (info.ranking()) {
                    sb.append(", ")
                            .append(q)
                            .append(c.chosen())
                            .append(q)
                            .append(": \"better answer\", ")
                            .append(q)
                            .append(c.rejected())
                            .append(q)
                            .append(": \"worse answer\"");
                } else {
                    sb.append(", ").append(q).append(c.response()).append(q).append(": \"answer\"");
                }
                if (c.ktoTag() != null) {
                    sb.append(", ").append(q).append(c.ktoTag()).append(q).append(": true");
                }
                return sb.append("}").toString();
            }
            default: {
                String msg =
                        "{" + q + t.roleTag() + q + ": " + q + "%s" + q + ", " + q + t.contentTag() + q + ": \"...\"}";
                StringBuilder sb = new StringBuilder(info.formatting().key() + " rows like {" + q + c.messages() + q
                        + ": [" + String.format(msg, t.userTag()));
                if (info.ranking()) {
                    sb.append("], ")
                            .append(q)
                            .append(c.chosen())
                            .append(q)
                            .append(": ")
                            .append(String.format(msg, t.assistantTag()))
                            .append(", ")
                            .append(q)
                            .append(c.rejected())
                            .append(q)
                            .append(": ")
                            .append(String.format(msg, t.assistantTag()));
                } else {
                    sb.append(", ").append(String.format(msg, t.assistantTag())).append("]");
                }
                if (c.ktoTag() != null) {
                    sb.append(", ").append(q).append(c.ktoTag()).append(q).append(": true");
                }
                return sb.append("} with ")
                        .append(t.userTag())
                        .append('/')
                        .append(t.observationTag())
                        .append(" and ")
                        .append(t.assistantTag())
                        .append('/')
                        .append(t.functionTag())
                        .append(" turns alternating")
                        .toString();
            }
        }
    }
}
