package ai.llamafactory.data.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.tokenizer.SpecialTokens.TokenAndId;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Hugging Face tokenizer loaded from a model folder ({@code tokenizer.json} for the tokenizer itself,
 * {@code tokenizer_config.json} for special tokens and the chat template, and {@code chat_template.jinja} when
 * present), running Hugging Face's Rust {@code tokenizers} through DJL's JNI binding.
 *
 * <pre>{@code
 * try (HfTokenizer tok = HfTokenizer.load(Path.of("models/Qwen3-0.6B"))) {
 *     int[] ids = tok.encode("Hello, world!", false);
 *     String text = tok.decode(ids, false);
 * }
 * }</pre>
 *
 * <p>Truncation and padding are switched off in the native tokenizer (DJL's default would cut every input at 512
 * tokens). DJL is made to run offline ({@code ai.djl.offline=true}) unless the caller set that property. Instances are
 * thread-safe; create one per model and share it. {@link #close()} frees the native tokenizer; views made with
 * {@link #withSpecialTokens} share it and must not be used after the original is closed.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    static {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final HuggingFaceTokenizer delegate;
    private final long nativeHandle;
    private final Vocabulary vocabulary;
    private final SpecialTokens specialTokens;
    private final String chatTemplate;
    private final Map<String, String> namedChatTemplates;
    private final boolean owner;
    private final boolean addBosToken;

    private HfTokenizer(
            Path folder,
            HuggingFaceTokenizer delegate,
            Vocabulary vocabulary,
            SpecialTokens specialTokens,
            String chatTemplate,
            Map<String, String> namedChatTemplates,
            boolean owner,
            boolean addBosToken) {
        this.folder = folder;
        this.delegate = delegate;
        this.nativeHandle = delegate.getHandle();
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
        this.chatTemplate = chatTemplate;
        this.namedChatTemplates = namedChatTemplates;
        this.owner = owner;
        this.addBosToken = addBosToken;
    }

    /**
     * Loads the tokenizer of a model folder.
     *
     * @param folder a folder holding {@code tokenizer.json} (required), {@code tokenizer_config.json} and
     *     {@code chat_template.jinja} (optional)
     * @return the tokenizer
     * @throws CheckpointException when {@code tokenizer.json} is missing or a file cannot be read or parsed
     * @throws InvalidConfigException when a special token named in {@code tokenizer_config.json} is not in the
     *     vocabulary
     */
    public static HfTokenizer load(Path folder) {
        Path tokenizerJson = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new CheckpointException("No tokenizer.json in " + folder.toAbsolutePath()
                    + ": this library needs a fast (Rust) tokenizer file; convert the slow tokenizer with "
                    + "transformers' AutoTokenizer.from_pretrained(...).save_pretrained(...)");
        }
        JsonNode tokenizerTree = readJson(tokenizerJson);
        Path configJson = folder.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configJson) ? readJson(configJson) : JSON.createObjectNode();
        Vocabulary vocabulary = Vocabulary.from(tokenizerTree, config, tokenizerJson);
        SpecialTokens special = readSpecialTokens(config, vocabulary, configJson);

        Map<String, String> named = new LinkedHashMap<>();
        String defaultTemplate = null;
        JsonNode ct = config.get("chat_template");
        if (ct != null && ct.isTextual()) {
            defaultTemplate = ct.asText();
        } else if (ct != null && ct.isArray()) {
            for (JsonNode entry : ct) {
                JsonNode name = entry.get("name");
                JsonNode template = entry.get("template");
                if (name == null || template == null || !template.isTextual()) {
                    throw new CheckpointException(configJson + ": chat_template list entries need 'name' and "
                            + "'template' strings, got " + entry);
                }
                named.put(name.asText(), template.asText());
            }
            defaultTemplate = named.get("default");
        }
        Path jinjaFile = folder.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinjaFile)) {
            try {
                defaultTemplate = Files.readString(jinjaFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CheckpointException("Cannot read " + jinjaFile + ": " + e.getMessage(), e);
            }
        }

        HuggingFaceTokenizer delegate = buildNative(folder, config, null);
        return new HfTokenizer(
                folder,
                delegate,
                vocabulary,
                special,
                defaultTemplate,
                Collections.unmodifiableMap(named),
                true,
                config.path("add_bos_token").asBoolean(false));
    }

    /**
     * Returns a new tokenizer that also knows the given tokens as special added tokens (what transformers'
     * {@code add_special_tokens} does; the model's embedding must then be resized). Tokens already in the vocabulary
     * keep their id.
     *
     * @param tokens the tokens to add
     * @return a new, independent tokenizer (close it separately); this one is unchanged
     */
    public HfTokenizer withAddedSpecialTokens(List<String> tokens) {
        List<String> missing = new ArrayList<>();
        for (String t : tokens) {
            if (vocabulary.tokenToId(t).isEmpty() && !missing.contains(t)) {
                missing.add(t);
            }
        }
        JsonNode tree = readJson(folder.resolve("tokenizer.json"));
        ArrayNode added = tree.has("added_tokens") && tree.get("added_tokens").isArray()
                ? (ArrayNode) tree.get("added_tokens")
                : ((ObjectNode) tree).putArray("added_tokens");
        int next = vocabulary.size();
        for (String t : missing) {
            ObjectNode entry = added.addObject();
            entry.put("id", next++);
            entry.put("content", t);
            entry.put("single_word", false);
            entry.put("lstrip", false);
            entry.put("rstrip", false);
            entry.put("normalized", false);
            entry.put("special", true);
        }
        Path configJson = folder.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configJson) ? readJson(configJson) : JSON.createObjectNode();
        Vocabulary newVocabulary = Vocabulary.from(tree, config, folder.resolve("tokenizer.json"));
        HuggingFaceTokenizer newDelegate = buildNative(folder, config, tree);
        return new HfTokenizer(
                folder, newDelegate, newVocabulary, specialTokens, chatTemplate, namedChatTemplates, true, addBosToken);
    }

    private static HuggingFaceTokenizer buildNative(Path folder, JsonNode config, JsonNode modifiedTree) {
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("truncation", "false");
        options.put("padding", "false");
        options.put("withOverflowingTokens", "false");
        try {
            if (modifiedTree == null) {
                return HuggingFaceTokenizer.newInstance(folder, options);
            }
            byte[] bytes = JSON.writeValueAsBytes(modifiedTree);
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(
                    "Cannot load the tokenizer in " + folder.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static SpecialTokens readSpecialTokens(JsonNode config, Vocabulary vocabulary, Path configJson) {
        Optional<TokenAndId> bos = namedToken(config, "bos_token", vocabulary, configJson);
        Optional<TokenAndId> eos = namedToken(config, "eos_token", vocabulary, configJson);
        Optional<TokenAndId> pad = namedToken(config, "pad_token", vocabulary, configJson);
        Optional<TokenAndId> unk = namedToken(config, "unk_token", vocabulary, configJson);
        List<TokenAndId> additional = new ArrayList<>();
        JsonNode list = config.get("additional_special_tokens");
        if (list == null) {
            list = config.get("extra_special_tokens");
        }
        if (list != null && list.isArray()) {
            for (JsonNode node : list) {
                String token = tokenText(node);
                if (token != null) {
                    additional.add(new TokenAndId(
                            token, requireId(vocabulary, token, "additional_special_tokens", configJson)));
                }
            }
        }
        return new SpecialTokens(bos, eos, pad, unk, additional);
    }

    private static Optional<TokenAndId> namedToken(JsonNode config, String key, Vocabulary vocabulary, Path file) {
        String token = tokenText(config.get(key));
        if (token == null) {
            return Optional.empty();
        }
        return Optional.of(new TokenAndId(token, requireId(vocabulary, token, key, file)));
    }

    private static int requireId(Vocabulary vocabulary, String token, String key, Path file) {
        return vocabulary
                .tokenToId(token)
                .orElseThrow(() -> new InvalidConfigException(
                        file + ": " + key + " '" + token + "' is not in the vocabulary of tokenizer.json"));
    }

    /** A token written as a string or as an AddedToken object with a {@code content} field; null when absent. */
    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject() && node.has("content")) {
            return node.get("content").asText();
        }
        return null;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException("Cannot parse " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** @return the folder this tokenizer was loaded from */
    public Path folder() {
        return folder;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        if (text.isEmpty() && !addSpecialTokens) {
            return new int[0];
        }
        // Straight to the native library: DJL's Encoding would also copy tokens, offsets and masks we do not need.
        long encoding = TokenizersLibrary.LIB.encode(nativeHandle, text, addSpecialTokens);
        try {
            long[] ids = TokenizersLibrary.LIB.getTokenIds(encoding);
            int[] out = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[i] = (int) ids[i];
            }
            return out;
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longIds = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longIds[i] = ids[i];
        }
        return delegate.decode(longIds, skipSpecialTokens);
    }

    @Override
    public OptionalInt tokenToId(String token) {
        return vocabulary.tokenToId(token);
    }

    @Override
    public Optional<String> idToToken(int id) {
        return vocabulary.idToToken(id);
    }

    @Override
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public boolean isSpecialId(int id) {
        return vocabulary.isSpecial(id);
    }

    @Override
    public boolean addBosToken() {
        return addBosToken;
    }

    @Override
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    @Override
    public Map<String, String> namedChatTemplates() {
        return namedChatTemplates;
    }

    /**
     * {@inheritDoc} The named {@code unk_token}, else the {@code unk_token} of tokenizer.json's model (WordLevel,
     * WordPiece, BPE), which the model emits even when no configuration names it.
     */
    @Override
    public OptionalInt unknownTokenId() {
        OptionalInt named = Tokenizer.super.unknownTokenId();
        if (named.isPresent()) {
            return named;
        }
        return vocabulary.modelUnk >= 0 ? OptionalInt.of(vocabulary.modelUnk) : OptionalInt.empty();
    }

    @Override
    public HfTokenizer withSpecialTokens(SpecialTokens tokens) {
        checkInVocabulary(tokens.bos());
        checkInVocabulary(tokens.eos());
        checkInVocabulary(tokens.pad());
        checkInVocabulary(tokens.unk());
        tokens.additional().forEach(t -> checkInVocabulary(Optional.of(t)));
        return new HfTokenizer(
                folder, delegate, vocabulary, tokens, chatTemplate, namedChatTemplates, false, addBosToken);
    }

    private void checkInVocabulary(Optional<TokenAndId> token) {
        token.ifPresent(t -> {
            OptionalInt id = vocabulary.tokenToId(t.token());
            if (id.isEmpty() || id.getAsInt() != t.id()) {
                throw new InvalidConfigException("Special token '" + t.token() + "' with id " + t.id()
                        + " is not in the vocabulary of " + folder.resolve("tokenizer.json"));
            }
        });
    }

    /** Frees the native tokenizer (only the instance returned by {@link #load} or {@link #withAddedSpecialTokens}). */
    @Override
    public void close() {
        if (owner) {
            delegate.close();
        }
    }

    @Override
    public String toString() {
        return "HfTokenizer[" + folder + ", vocab=" + vocabulary.size() + "]";
    }

    /** Token to id maps read from {@code tokenizer.json}. */
    private static final class Vocabulary {
        private final Map<String, Integer> tokenToId;
        private final String[] idToToken;
        private final BitSet special;
        /** The id of the model's own {@code model.unk_token} in tokenizer.json, or -1. */
        private final int modelUnk;

        private Vocabulary(Map<String, Integer> tokenToId, String[] idToToken, BitSet special, int modelUnk) {
            this.tokenToId = tokenToId;
            this.idToToken = idToToken;
            this.special = special;
            this.modelUnk = modelUnk;
        }

        static Vocabulary from(JsonNode tree, JsonNode config, Path file) {
            Map<String, Integer> map = new HashMap<>();
            BitSet special = new BitSet();
            JsonNode model = tree.path("model");
            JsonNode vocab = model.get("vocab");
            if (vocab != null && vocab.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = vocab.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    map.put(e.getKey(), e.getValue().asInt());
                }
            } else if (vocab != null && vocab.isArray()) { // Unigram: [[piece, score], ...]
                int id = 0;
                for (JsonNode entry : vocab) {
                    map.put(entry.get(0).asText(), id++);
                }
            } else {
                throw new CheckpointException(file + ": model.vocab is missing or not an object/list");
            }
            JsonNode added = tree.get("added_tokens");
            if (added != null && added.isArray()) {
                for (JsonNode t : added) {
                    int id = t.get("id").asInt();
                    map.put(t.get("content").asText(), id);
                    if (t.path("special").asBoolean(false)) {
                        special.set(id);
                    }
                }
            }
            JsonNode decoderTable = config.get("added_tokens_decoder");
            if (decoderTable != null && decoderTable.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = decoderTable.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    int id;
                    try {
                        id = Integer.parseInt(e.getKey());
                    } catch (NumberFormatException ex) {
                        throw new CheckpointException(
                                file.resolveSibling("tokenizer_config.json") + ": added_tokens_decoder key '"
                                        + e.getKey() + "' is not an id",
                                ex);
                    }
                    String content = e.getValue().path("content").asText(null);
                    if (content != null) {
                        map.putIfAbsent(content, id);
                    }
                    if (e.getValue().path("special").asBoolean(false)) {
                        special.set(id);
                    }
                }
            }
            int size = 0;
            for (int id : map.values()) {
                size = Math.max(size, id + 1);
            }
            String[] reverse = new String[size];
            for (Map.Entry<String, Integer> e : map.entrySet()) {
                reverse[e.getValue()] = e.getKey();
            }
            JsonNode unk = model.get("unk_token");
            Integer unkId = unk != null && unk.isTextual() ? map.get(unk.textValue()) : null;
            return new Vocabulary(map, reverse, special, unkId == null ? -1 : unkId);
        }

        OptionalInt tokenToId(String token) {
            Integer id = tokenToId.get(token);
            return id == null ? OptionalInt.empty() : OptionalInt.of(id);
        }

        Optional<String> idToToken(int id) {
            return id >= 0 && id < idToToken.length ? Optional.ofNullable(idToToken[id]) : Optional.empty();
        }

        boolean isSpecial(int id) {
            return id >= 0 && special.get(id);
        }

        int size() {
            return idToToken.length;
        }
    }
}
