package ai.llamafactory.data.dataset;

import ai.llamafactory.api.config.MixStrategy;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.AlignedExample;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Merging several datasets: concatenation or interleaving with Hugging Face's stopping strategies. Loaded datasets
 * (lists) follow {@code interleave_datasets} on map-style datasets exactly, in structure: without probabilities,
 * {@code min_len} full rounds (under), {@code max_len} rounds cycling the shorter datasets (over); with probabilities,
 * a seeded draw per row where a dataset counts as used up once its last row is taken. Streams use the draw for both
 * cases. The random numbers differ from numpy's, so the exact order differs from Python's for the same seed.
 */
final class Mixing {
    private Mixing() {}

    static void checkProbabilities(MixStrategy strategy, List<Double> probs, List<String> names) {
        if (probs.isEmpty()) {
            return;
        }
        if (probs.size() != names.size()) {
            throw new InvalidConfigException("interleave_probs has " + probs.size() + " values " + probs + " but "
                    + names.size() + " datasets are mixed " + names);
        }
        if (strategy != MixStrategy.INTERLEAVE_UNDER) {
            for (int i = 0; i < probs.size(); i++) {
                if (probs.get(i) == 0) {
                    throw new InvalidConfigException("interleave_probs: dataset '" + names.get(i) + "' has "
                            + "probability 0, so mix_strategy " + strategy.key() + " would never use it up");
                }
            }
        }
    }

    static List<AlignedExample> mix(
            List<List<AlignedExample>> sets, MixStrategy strategy, List<Double> probs, long seed) {
        if (sets.size() == 1) {
            return sets.get(0);
        }
        List<AlignedExample> out = new ArrayList<>();
        if (strategy == MixStrategy.CONCAT) {
            sets.forEach(out::addAll);
            return out;
        }
        int n = sets.size();
        if (probs.isEmpty()) {
            int min = sets.stream().mapToInt(List::size).min().orElse(0);
            int max = sets.stream().mapToInt(List::size).max().orElse(0);
            switch (strategy) {
                case INTERLEAVE_UNDER -> {
                    for (int j = 0; j < min; j++) {
                        for (List<AlignedExample> s : sets) {
                            out.add(s.get(j));
                        }
                    }
                }
                case INTERLEAVE_OVER -> {
                    for (int j = 0; j < max; j++) {
                        for (List<AlignedExample> s : sets) {
                            out.add(s.get(j % s.size()));
                        }
                    }
                }
                default -> {
                    for (int j = 0; j < max; j++) {
                        for (List<AlignedExample> s : sets) {
                            if (j < s.size()) {
                                out.add(s.get(j));
                            }
                        }
                    }
                }
            }
            return out;
        }
        List<Supplier<Iterator<AlignedExample>>> sources = new ArrayList<>();
        for (List<AlignedExample> s : sets) {
            sources.add(s::iterator);
        }
        Iterator<AlignedExample> it = new Interleaver(sources, strategy, probs, seed);
        it.forEachRemaining(out::add);
        return out;
    }

    /** Lazy interleaving of re-openable sources. */
    static final class Interleaver implements Iterator<AlignedExample> {
        private final List<Supplier<Iterator<AlignedExample>>> sources;
        private final List<Iterator<AlignedExample>> iterators = new ArrayList<>();
        private final boolean[] exhausted;
        private final MixStrategy strategy;
        private final double[] cumulative;
        private final SplittableRandom random;
        private int roundRobin;
        private AlignedExample next;
        private boolean done;

        Interleaver(
                List<Supplier<Iterator<AlignedExample>>> sources, MixStrategy strategy, List<Double> probs, long seed) {
            this.sources = sources;
            this.strategy = strategy;
            this.exhausted = new boolean[sources.size()];
            for (Supplier<Iterator<AlignedExample>> s : sources) {
                iterators.add(s.get());
            }
            if (probs.isEmpty()) {
                cumulative = null;
            } else {
                cumulative = new double[probs.size()];
                double acc = 0;
                for (int i = 0; i < probs.size(); i++) {
                    acc += probs.get(i);
                    cumulative[i] = acc;
                }
            }
            this.random = new SplittableRandom(seed);
        }

        private int pick() {
            if (cumulative == null) {
                int k = roundRobin;
                roundRobin = (roundRobin + 1) % sources.size();
                return k;
            }
            double u = random.nextDouble() * cumulative[cumulative.length - 1];
            for (int i = 0; i < cumulative.length; i++) {
                if (u < cumulative[i]) {
                    return i;
                }
            }
            return cumulative.length - 1;
        }

        private boolean any() {
            for (boolean b : exhausted) {
                if (b) {
                    return true;
                }
            }
            return false;
        }

        private boolean all() {
            for (boolean b : exhausted) {
                if (!b) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean hasNext() {
            while (next == null && !done) {
                boolean stop = strategy == MixStrategy.INTERLEAVE_UNDER ? any() : all();
                if (stop) {
                    done = true;
                    break;
                }
                int k = pick();
                if (exhausted[k] && strategy == MixStrategy.INTERLEAVE_ONCE) {
                    continue;
                }
                Iterator<AlignedExample> it = iterators.get(k);
                if (!it.hasNext()) { // an empty source: nothing to take, ever
                    exhausted[k] = true;
                    if (strategy == MixStrategy.INTERLEAVE_OVER) {
                        done = true;
                    }
                    continue;
                }
                next = it.next();
                if (!it.hasNext()) {
                    exhausted[k] = true;
                    if (strategy == MixStrategy.INTERLEAVE_OVER) {
                        iterators.set(k, sources.get(k).get());
                    }
                }
            }
            return next != null;
        }

        @Override
        public AlignedExample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            AlignedExample e = next;
            next = null;
            return e;
        }
    }

    /** Seeded shuffle of a stream through a buffer, as Hugging Face's {@code IterableDataset.shuffle}. */
    static final class ShuffleBuffer implements Iterator<AlignedExample> {
        private final Iterator<AlignedExample> source;
        private final List<AlignedExample> buffer;
        private final int size;
        private final SplittableRandom random;

        ShuffleBuffer(Iterator<AlignedExample> source, int size, long seed) {
            this.source = source;
            this.size = size;
            this.buffer = new ArrayList<>(Math.min(size, 1024));
            this.random = new SplittableRandom(seed);
        }

        @Override
        public boolean hasNext() {
            while (buffer.size() < size && source.hasNext()) {
                buffer.add(source.next());
            }
            return !buffer.isEmpty();
        }

        @Override
        public AlignedExample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int i = random.nextInt(buffer.size());
            AlignedExample e = buffer.get(i);
            int last = buffer.size() - 1;
            buffer.set(i, buffer.get(last));
            buffer.remove(last);
            return e;
        }
    }
}
