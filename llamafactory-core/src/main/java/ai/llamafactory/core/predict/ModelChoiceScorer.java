package ai.llamafactory.core.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.chat.DjlChatModel;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.metrics.ChoiceScorer;
import ai.llamafactory.data.metrics.McqPrompt;
import ai.llamafactory.data.metrics.McqQuestion;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The model side of LLaMA-Factory's multiple-choice evaluator ({@code eval/evaluator.py}): each few-shot prompt is
 * encoded with the chat template (the prompt part of {@code encode_oneturn}, the template's default system prompt, the
 * assistant turn opened), the prompts of a batch run through the model together (left padding, autograd off), and the
 * logits at the last prompt position are read at the token ids of the letters A, B, C and D (the last id of each
 * letter encoded without special tokens). The four logits are turned into probabilities by a softmax over the four,
 * as LLaMA-Factory does; the evaluator takes the most probable letter.
 *
 * <pre>{@code
 * try (DjlChatModel chat = DjlChatModel.create(config)) {
 *     McqReport report = new McqEvaluator(McqEvaluationConfig.builder().nShot(5).build())
 *             .evaluate(McqDataset.loadDirectory(Path.of("evaluation/mmlu"), "test"), ModelChoiceScorer.of(chat));
 *     System.out.println(report.resultsLog());
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use one scorer per evaluating thread.
 */
public final class ModelChoiceScorer implements ChoiceScorer {
    private final CausalLm model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final int[] choiceIds;
    private final int padId;

    /**
     * @param model the model
     * @param tokenizer the tokenizer with the template's special-token fixes
     * @param template the chat template
     * @throws InvalidConfigException when a letter encodes to no token
     */
    public ModelChoiceScorer(CausalLm model, Tokenizer tokenizer, ChatTemplate template) {
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.template = Objects.requireNonNull(template, "template");
        this.choiceIds = new int[McqQuestion.LETTERS.size()];
        for (int i = 0; i < choiceIds.length; i++) {
            String letter = String.valueOf(McqQuestion.LETTERS.get(i));
            int[] ids = tokenizer.encode(letter, false);
            if (ids.length == 0) {
                throw new InvalidConfigException(
                        "the tokenizer encodes the choice letter '" + letter + "' to no token");
            }
            choiceIds[i] = ids[ids.length - 1];
        }
        this.padId = tokenizer
                .specialTokens()
                .padId()
                .orElse(tokenizer.specialTokens().eosId().orElse(0));
    }

    /**
     * @param chat a loaded chat model
     * @return a scorer on its model, tokenizer and template
     */
    public static ModelChoiceScorer of(DjlChatModel chat) {
        return new ModelChoiceScorer(chat.model(), chat.tokenizer(), chat.template());
    }

    /** @return the token ids of A, B, C and D */
    public int[] choiceTokenIds() {
        return choiceIds.clone();
    }

    /**
     * @param prompt a few-shot prompt
     * @return its ids: the template's encoding of the conversation with the assistant turn opened
     */
    public int[] encode(McqPrompt prompt) {
        List<Message> messages = new ArrayList<>(prompt.messages());
        messages.add(Message.assistant(""));
        return template.encodeOneTurn(tokenizer, messages, null, null).sourceIds();
    }

    @Override
    public float[] score(McqPrompt prompt) {
        return scoreBatch(List.of(prompt)).get(0);
    }

    @Override
    public List<float[]> scoreBatch(List<McqPrompt> prompts) {
        List<int[]> encoded = new ArrayList<>(prompts.size());
        for (McqPrompt p : prompts) {
            encoded.add(encode(p));
        }
        return scoreIds(encoded);
    }

    /**
     * Scores already encoded prompts.
     *
     * @param prompts prompt ids, one array per prompt
     * @return the probabilities of A, B, C and D for each prompt
     */
    public List<float[]> scoreIds(List<int[]> prompts) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        int b = prompts.size();
        int t = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] positions = new long[b * t];
        boolean padded = false;
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            int pad = t - p.length;
            padded |= pad > 0;
            for (int j = 0; j < t; j++) {
                int k = r * t + j;
                if (j < pad) {
                    ids[k] = padId;
                    positions[k] = 1;
                } else {
                    ids[k] = p[j - pad];
                    mask[k] = 1;
                    positions[k] = j - pad;
                }
            }
        }
        boolean gradMode = DjlEngine.isGradMode();
        boolean training = model.isTraining();
        DjlEngine.setGradMode(false);
        model.setTraining(false);
        float[] last;
        int vocab = model.config().vocabSize();
        try (NDManager step = model.manager().newSubManager()) {
            Shape shape = new Shape(b, t);
            NDArray idArray = EngineArrays.of(step, ids, shape);
            ForwardInput input = padded
                    ? new ForwardInput(
                            idArray, EngineArrays.of(step, mask, shape), EngineArrays.of(step, positions, shape), null)
                    : new ForwardInput(idArray, null, null, null);
            NDArray hidden = model.hiddenStates(input).get(new NDIndex(":, -1, :"));
            NDArray logits = model.logits(hidden);
            last = (logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false))
                    .toFloatArray();
        } finally {
            model.setTraining(training);
            DjlEngine.setGradMode(gradMode);
        }
        List<float[]> out = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            float[] scores = new float[choiceIds.length];
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < scores.length; i++) {
                max = Math.max(max, last[r * vocab + choiceIds[i]]);
            }
            double sum = 0;
            double[] e = new double[scores.length];
            for (int i = 0; i < scores.length; i++) {
                e[i] = Math.exp(last[r * vocab + choiceIds[i]] - max);
                sum += e[i];
            }
            for (int i = 0; i < scores.length; i++) {
                scores[i] = (float) (e[i] / sum);
            }
            out.add(scores);
        }
        return out;
    }
}
