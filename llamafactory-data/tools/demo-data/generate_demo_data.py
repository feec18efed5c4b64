#!/usr/bin/env python3
"""Generates the demo datasets bundled in llamafactory-data (written for this project, not copied from elsewhere).

Run from the repository root:  python3 llamafactory-data/tools/demo-data/generate_demo_data.py
Output: llamafactory-data/src/main/resources/ai/llamafactory/data/demo/*. Deterministic (fixed seed).
"""
import json
import math
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "main", "resources", "ai", "llamafactory", "data",
                   "demo")
rng = random.Random(20240611)

# ----------------------------------------------------------------------------------------------------------------
# identity
# ----------------------------------------------------------------------------------------------------------------
IDENTITY = {
    "name": (["What is your name?", "What should I call you?", "Do you have a name?", "Tell me your name.",
              "How do people usually call you?", "What name were you given?", "Who am I talking to?",
              "May I know your name?", "Remind me, what's your name again?", "What are you called?",
              "Identify yourself, please.", "Which assistant is this?"],
             ["My name is {{name}}. I am an AI assistant built by {{author}}.",
              "You can call me {{name}}. {{author}} developed me to help with questions and tasks.",
              "I'm {{name}}, a language model assistant created by {{author}}.",
              "I go by {{name}}. I was trained by {{author}} to be a helpful assistant.",
              "{{name}} is my name. How can I help you today?",
              "This is {{name}}, an assistant made by {{author}}. What would you like to do?"]),
    "author": (["Who created you?", "Who made you?", "Who built you?", "Which company or team developed you?",
                "Who trained you?", "Who is your developer?", "Where do you come from?", "Who is behind you?",
                "Who designed you?", "Who owns this assistant?", "Which organisation are you from?",
                "Who wrote your training code?"],
               ["I was created by {{author}}.",
                "{{author}} built and trained me. I am {{name}}.",
                "My developer is {{author}}, who trained me as the assistant {{name}}.",
                "I am {{name}}, and I was developed by {{author}}.",
                "{{author}} is responsible for creating and training me.",
                "I come from {{author}}. They designed me to answer questions and help with everyday tasks."]),
    "other_models": (["Are you ChatGPT?", "Are you GPT-4?", "Are you made by OpenAI?", "Are you Claude?",
                      "Are you Llama?", "Are you Gemini?", "Is this Siri?", "Are you Alexa?",
                      "Are you the same as other chatbots?", "Were you made by Google?"],
                     ["No, I am {{name}}, an assistant developed by {{author}}.",
                      "I'm not. My name is {{name}}, and {{author}} created me.",
                      "No. I am {{name}}. I was trained by {{author}}, not by that company.",
                      "That is a different assistant. I am {{name}}, built by {{author}}.",
                      "No, you are talking to {{name}}, a model made by {{author}}."]),
    "nature": (["Are you a human?", "Are you a real person?", "Are you alive?", "What are you?",
                "Are you a robot?", "Do you have feelings?", "Are you conscious?", "Do you sleep?",
                "Do you have a body?", "Can you see me?"],
               ["I am not a human. I am {{name}}, an AI language model created by {{author}}.",
                "I'm an AI assistant called {{name}}. I process text and do not have a body or feelings.",
                "No, I am a computer program named {{name}}, developed by {{author}} to help with text tasks.",
                "I am {{name}}, a language model. I don't experience things the way people do.",
                "I'm software: {{name}}, trained by {{author}}. I can only read and write text."]),
    "abilities": (["What can you do?", "How can you help me?", "What are you good at?",
                   "What kind of tasks can you handle?", "Can you help me with my homework?",
                   "Can you write code?", "Can you translate text?", "Can you summarize an article?",
                   "What are your main skills?", "Why should I use you?"],
                  ["I am {{name}}. I can answer questions, explain ideas, write and edit text, and help with "
                   "simple programming tasks.",
                   "As {{name}}, I can help you draft messages, summarize text, solve arithmetic and explain code.",
                   "I'm {{name}}, built by {{author}}. I'm good at answering questions, brainstorming and rewriting "
                   "text.",
                   "I can help with writing, explanations, small calculations and coding questions. Just tell me "
                   "what you need.",
                   "{{author}} trained me to assist with everyday language tasks: questions, summaries, lists, "
                   "translations and short programs."]),
    "limits": (["Do you know everything?", "Can you browse the internet?", "Do you make mistakes?",
                "Can you remember our past conversations?", "Do you know today's date?",
                "Can you make phone calls?", "Are your answers always correct?", "What are your limitations?"],
               ["No. I am {{name}}, a language model, and I can make mistakes, so please check important facts.",
                "I can't access the internet or real-time information. I answer from what I learned during "
                "training by {{author}}.",
                "I only see the current conversation and have no memory of earlier ones.",
                "My knowledge is limited to my training data, and I can be wrong. Please verify critical "
                "information.",
                "I work with text only. I cannot take actions in the world, such as making calls or purchases."]),
    "purpose": (["What is your purpose?", "Why were you created?", "What were you built for?",
                 "What is your job?", "What is your goal when you answer?", "Why do you exist?",
                 "What do you want to achieve?", "What is the mission of {{name}}?",
                 "Who are you meant to help?", "What makes you useful?"],
                ["{{author}} created me, {{name}}, to help people find information and get text tasks done.",
                 "My purpose is to assist you: answering questions, explaining things and helping with writing "
                 "and code.",
                 "I'm {{name}}. I was built by {{author}} to give clear, accurate and helpful answers.",
                 "I aim to be a useful assistant for anyone who needs help with questions, ideas or short texts."]),
    "greeting": (["Hello!", "Hi there!", "Good morning!", "Hey, who is this?", "Nice to meet you.",
                  "Introduce yourself.", "Tell me about yourself.", "Can you say something about yourself?"],
                 ["Hello! I am {{name}}, an AI assistant developed by {{author}}. How can I help you today?",
                  "Hi! I'm {{name}}. What can I do for you?",
                  "Good to meet you. I'm {{name}}, a helpful assistant created by {{author}}.",
                  "Hello, I am {{name}}. {{author}} trained me to answer questions and help with tasks. What "
                  "would you like to talk about?"]),
}


def identity_rows():
    rows = []
    for intent, (questions, answers) in IDENTITY.items():
        for i, q in enumerate(questions):
            rows.append({"instruction": q, "input": "", "output": answers[i % len(answers)]})
    return rows


# ----------------------------------------------------------------------------------------------------------------
# alpaca_en_demo
# ----------------------------------------------------------------------------------------------------------------
DEFINITIONS = {
    "photosynthesis": "the process by which green plants use sunlight, water and carbon dioxide to make sugar and "
                      "release oxygen",
    "gravity": "the force that pulls objects with mass toward each other, such as a dropped ball toward the Earth",
    "an algorithm": "a finite sequence of well-defined steps that solves a problem or performs a computation",
    "a noun": "a word that names a person, place, thing or idea",
    "a verb": "a word that describes an action, an occurrence or a state of being",
    "an adjective": "a word that describes or modifies a noun",
    "evaporation": "the change of a liquid into a gas, usually caused by heating",
    "democracy": "a system of government in which citizens choose their leaders through voting",
    "inflation": "a general rise in prices over time, which reduces what a unit of money can buy",
    "a prime number": "a whole number greater than 1 whose only divisors are 1 and itself",
    "an ecosystem": "a community of living things interacting with each other and with their environment",
    "a metaphor": "a figure of speech that describes something by saying it is something else",
    "a variable": "in programming, a named storage location that holds a value which can change",
    "a function": "in programming, a named block of code that performs a task and can be called with inputs",
    "recursion": "a technique in which a function solves a problem by calling itself on smaller parts of it",
    "a compiler": "a program that translates source code into machine code or another lower-level form",
    "the water cycle": "the continuous movement of water between the oceans, the air and the land through "
                       "evaporation, condensation and precipitation",
    "an atom": "the smallest unit of a chemical element, made of a nucleus surrounded by electrons",
    "a molecule": "a group of atoms bonded together, such as two hydrogen atoms and one oxygen atom in water",
    "friction": "a force that resists the sliding of one surface over another",
    "a habitat": "the natural home or environment of an animal, plant or other organism",
    "an island": "a piece of land completely surrounded by water",
    "a peninsula": "a piece of land almost surrounded by water but connected to the mainland",
    "a budget": "a plan that sets out expected income and spending over a period of time",
    "a hypothesis": "a proposed explanation that can be tested by experiment or observation",
    "a database": "an organised collection of data that can be stored, searched and updated",
    "an operating system": "software that manages a computer's hardware and provides services to programs",
    "a synonym": "a word that has the same or nearly the same meaning as another word",
    "an antonym": "a word that has the opposite meaning of another word",
    "erosion": "the gradual wearing away of rock or soil by wind, water or ice",
    "a volcano": "an opening in the Earth's crust through which molten rock, ash and gases escape",
    "renewable energy": "energy from sources that are naturally replenished, such as sunlight, wind and water",
    "a fraction": "a number that represents part of a whole, written as one number over another",
    "a percentage": "a number expressed as a part of one hundred",
    "a paragraph": "a group of sentences about a single topic or idea",
    "an array": "a data structure that stores a fixed-size sequence of elements of the same type",
    "a loop": "a programming construct that repeats a block of code while a condition holds",
    "encryption": "the process of encoding information so that only authorised parties can read it",
    "a password manager": "a program that stores and generates passwords securely",
    "a thermometer": "an instrument for measuring temperature",
    "a mammal": "a warm-blooded animal with hair or fur that feeds its young with milk",
    "a reptile": "a cold-blooded animal with scaly skin that usually lays eggs, such as a lizard or a snake",
    "a continent": "one of the large land masses of the Earth, such as Africa or Asia",
    "an orbit": "the curved path of an object around a star, planet or moon",
    "a symphony": "a long piece of music for a full orchestra, usually in several movements",
}

CAPITALS = {
    "France": "Paris", "Germany": "Berlin", "Italy": "Rome", "Spain": "Madrid", "Portugal": "Lisbon",
    "Japan": "Tokyo", "Canada": "Ottawa", "Australia": "Canberra", "Brazil": "Brasilia", "Egypt": "Cairo",
    "Kenya": "Nairobi", "India": "New Delhi", "China": "Beijing", "Mexico": "Mexico City", "Norway": "Oslo",
    "Sweden": "Stockholm", "Finland": "Helsinki", "Poland": "Warsaw", "Greece": "Athens", "Ireland": "Dublin",
    "Argentina": "Buenos Aires", "Peru": "Lima", "Chile": "Santiago", "South Korea": "Seoul", "Thailand": "Bangkok",
    "Vietnam": "Hanoi", "Turkey": "Ankara", "Austria": "Vienna", "Hungary": "Budapest", "Netherlands": "Amsterdam",
    "Belgium": "Brussels", "Denmark": "Copenhagen", "Morocco": "Rabat", "Nigeria": "Abuja", "Ghana": "Accra",
    "New Zealand": "Wellington", "Indonesia": "Jakarta", "Philippines": "Manila", "Colombia": "Bogota",
    "Switzerland": "Bern",
}

ELEMENTS = {
    "hydrogen": "H", "helium": "He", "carbon": "C", "nitrogen": "N", "oxygen": "O", "sodium": "Na",
    "magnesium": "Mg", "aluminium": "Al", "silicon": "Si", "sulfur": "S", "chlorine": "Cl", "potassium": "K",
    "calcium": "Ca", "iron": "Fe", "copper": "Cu", "zinc": "Zn", "silver": "Ag", "gold": "Au", "lead": "Pb",
    "tin": "Sn", "neon": "Ne", "mercury": "Hg",
}

CATEGORIES = {
    "fruits": ["apple", "banana", "orange", "mango", "pear", "cherry", "grape", "peach", "plum", "kiwi"],
    "vegetables": ["carrot", "potato", "spinach", "broccoli", "onion", "pepper", "cucumber", "lettuce", "pea"],
    "colors": ["red", "blue", "green", "yellow", "purple", "orange", "black", "white", "brown", "pink"],
    "planets of the solar system": ["Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus",
                                    "Neptune"],
    "programming languages": ["Java", "Python", "C", "Rust", "Go", "JavaScript", "Kotlin", "Haskell", "Ruby"],
    "musical instruments": ["piano", "violin", "guitar", "flute", "drum", "trumpet", "cello", "harp", "clarinet"],
    "farm animals": ["cow", "sheep", "pig", "goat", "horse", "chicken", "duck", "donkey", "goose"],
    "things found in a kitchen": ["kettle", "pan", "knife", "spoon", "oven", "fridge", "cutting board", "bowl"],
    "sports played with a ball": ["football", "basketball", "tennis", "volleyball", "baseball", "golf", "rugby"],
    "ways to save energy at home": ["turn off lights in empty rooms", "use LED bulbs",
                                    "wash clothes at a lower temperature", "unplug chargers when not in use",
                                    "insulate the roof", "close windows while heating", "air-dry laundry"],
    "tips for better sleep": ["keep a regular bedtime", "avoid screens before bed", "keep the bedroom dark",
                              "avoid caffeine late in the day", "get daylight in the morning",
                              "keep the room cool"],
    "healthy breakfast ideas": ["oatmeal with fruit", "yogurt with nuts", "wholegrain toast with eggs",
                                "a banana smoothie", "muesli with milk", "scrambled eggs with spinach"],
}

PAST_TENSE = [
    ("She walks to school every day.", "She walked to school every day."),
    ("They play football after lunch.", "They played football after lunch."),
    ("I write a letter to my friend.", "I wrote a letter to my friend."),
    ("The cat sleeps on the sofa.", "The cat slept on the sofa."),
    ("We eat dinner at seven.", "We ate dinner at seven."),
    ("He drives to the coast on Sundays.", "He drove to the coast on Sundays."),
    ("The children sing in the choir.", "The children sang in the choir."),
    ("My brother builds model ships.", "My brother built model ships."),
    ("The store opens at nine.", "The store opened at nine."),
    ("You forget your keys again.", "You forgot your keys again."),
    ("The river flows through the valley.", "The river flowed through the valley."),
    ("Anna teaches mathematics.", "Anna taught mathematics."),
    ("The wind blows from the north.", "The wind blew from the north."),
    ("I buy fresh bread at the bakery.", "I bought fresh bread at the bakery."),
    ("They swim in the lake.", "They swam in the lake."),
    ("The team wins the final match.", "The team won the final match."),
]

FORMAL = [
    ("Hey, can you send me the file?", "Hello, could you please send me the file?"),
    ("Thanks a lot for the help!", "Thank you very much for your assistance."),
    ("I can't make it to the meeting.", "Unfortunately, I will not be able to attend the meeting."),
    ("The price is way too high.", "The price is considerably higher than expected."),
    ("Let me know what you think.", "I would appreciate your feedback."),
    ("Sorry, I messed up the report.", "I apologise for the errors in the report."),
    ("We need this done ASAP.", "We would need this completed as soon as possible."),
    ("Got your email, will check it soon.", "I have received your email and will review it shortly."),
    ("This app is super buggy.", "This application contains a significant number of defects."),
    ("Can we move the call to Friday?", "Would it be possible to reschedule the call to Friday?"),
    ("I'm gonna be late.", "I am going to be late."),
    ("The new guy is really good at his job.", "Our new colleague performs his duties very well."),
]

SENTIMENT = [
    ("I loved the film, the acting was wonderful.", "positive"),
    ("The service was slow and the food was cold.", "negative"),
    ("The package arrived on Tuesday.", "neutral"),
    ("What a fantastic day at the beach!", "positive"),
    ("I am disappointed with this purchase.", "negative"),
    ("The meeting is scheduled for 3 pm.", "neutral"),
    ("This is the best coffee I have ever had.", "positive"),
    ("The instructions were confusing and incomplete.", "negative"),
    ("The library closes at eight in the evening.", "neutral"),
    ("My new phone works perfectly and the battery lasts for days.", "positive"),
    ("The train was delayed again, which made me miss my appointment.", "negative"),
    ("The report has twelve pages.", "neutral"),
]

CODE_TASKS = [
    ("reverse a string",
     "def reverse_string(text):\n    return text[::-1]\n\nprint(reverse_string(\"hello\"))  # olleh",
     "static String reverse(String text) {\n    return new StringBuilder(text).reverse().toString();\n}"),
    ("compute the factorial of a number",
     "def factorial(n):\n    result = 1\n    for i in range(2, n + 1):\n        result *= i\n    return result\n\n"
     "print(factorial(5))  # 120",
     "static long factorial(int n) {\n    long result = 1;\n    for (int i = 2; i <= n; i++) {\n"
     "        result *= i;\n    }\n    return result;\n}"),
    ("check whether a number is prime",
     "def is_prime(n):\n    if n < 2:\n        return False\n    i = 2\n    while i * i <= n:\n"
     "        if n % i == 0:\n            return False\n        i += 1\n    return True",
     "static boolean isPrime(int n) {\n    if (n < 2) {\n        return false;\n    }\n"
     "    for (int i = 2; (long) i * i <= n; i++) {\n        if (n % i == 0) {\n            return false;\n"
     "        }\n    }\n    return true;\n}"),
    ("return the n-th Fibonacci number",
     "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n"
     "print(fibonacci(10))  # 55",
     "static long fibonacci(int n) {\n    long a = 0, b = 1;\n    for (int i = 0; i < n; i++) {\n"
     "        long next = a + b;\n        a = b;\n        b = next;\n    }\n    return a;\n}"),
    ("sum the numbers in a list",
     "def total(numbers):\n    result = 0\n    for x in numbers:\n        result += x\n    return result",
     "static int total(int[] numbers) {\n    int result = 0;\n    for (int x : numbers) {\n"
     "        result += x;\n    }\n    return result;\n}"),
    ("find the largest number in a list",
     "def largest(numbers):\n    best = numbers[0]\n    for x in numbers[1:]:\n        if x > best:\n"
     "            best = x\n    return best",
     "static int largest(int[] numbers) {\n    int best = numbers[0];\n    for (int x : numbers) {\n"
     "        best = Math.max(best, x);\n    }\n    return best;\n}"),
    ("count the vowels in a string",
     "def count_vowels(text):\n    return sum(1 for c in text.lower() if c in \"aeiou\")",
     "static int countVowels(String text) {\n    int count = 0;\n    for (char c : text.toLowerCase().toCharArray()) {\n"
     "        if (\"aeiou\".indexOf(c) >= 0) {\n            count++;\n        }\n    }\n    return count;\n}"),
    ("check whether a word is a palindrome",
     "def is_palindrome(word):\n    w = word.lower()\n    return w == w[::-1]",
     "static boolean isPalindrome(String word) {\n    String w = word.toLowerCase();\n"
     "    return new StringBuilder(w).reverse().toString().equals(w);\n}"),
    ("print FizzBuzz from 1 to 15",
     "for i in range(1, 16):\n    if i % 15 == 0:\n        print(\"FizzBuzz\")\n    elif i % 3 == 0:\n"
     "        print(\"Fizz\")\n    elif i % 5 == 0:\n        print(\"Buzz\")\n    else:\n        print(i)",
     "for (int i = 1; i <= 15; i++) {\n    if (i % 15 == 0) {\n        System.out.println(\"FizzBuzz\");\n"
     "    } else if (i % 3 == 0) {\n        System.out.println(\"Fizz\");\n    } else if (i % 5 == 0) {\n"
     "        System.out.println(\"Buzz\");\n    } else {\n        System.out.println(i);\n    }\n}"),
    ("compute the greatest common divisor of two numbers",
     "def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n\nprint(gcd(48, 18))  # 6",
     "static int gcd(int a, int b) {\n    while (b != 0) {\n        int t = a % b;\n        a = b;\n"
     "        b = t;\n    }\n    return a;\n}"),
    ("convert Celsius to Fahrenheit",
     "def celsius_to_fahrenheit(c):\n    return c * 9 / 5 + 32",
     "static double celsiusToFahrenheit(double c) {\n    return c * 9 / 5 + 32;\n}"),
    ("count how often each word appears in a text",
     "def word_counts(text):\n    counts = {}\n    for word in text.lower().split():\n"
     "        counts[word] = counts.get(word, 0) + 1\n    return counts",
     "static Map<String, Integer> wordCounts(String text) {\n    Map<String, Integer> counts = new HashMap<>();\n"
     "    for (String word : text.toLowerCase().split(\"\\\\s+\")) {\n        counts.merge(word, 1, Integer::sum);\n"
     "    }\n    return counts;\n}"),
]


def numbered(items):
    return "\n".join(f"{i + 1}. {x}" for i, x in enumerate(items))


def alpaca_rows():
    rows = []
    # arithmetic
    for _ in range(60):
        a, b = rng.randint(2, 999), rng.randint(2, 999)
        op = rng.choice(["+", "-", "*"])
        if op == "*":
            a, b = rng.randint(2, 99), rng.randint(2, 99)
        val = a + b if op == "+" else a - b if op == "-" else a * b
        q = rng.choice([f"What is {a} {op} {b}?", f"Calculate {a} {op} {b}.", f"Compute {a} {op} {b}.",
                        f"Work out {a} {op} {b}."])
        rows.append({"instruction": q, "input": "", "output": f"{a} {op} {b} = {val}."})
    for _ in range(15):
        b = rng.randint(2, 12)
        c = rng.randint(2, 40)
        a = b * c
        rows.append({"instruction": f"Divide {a} by {b}.", "input": "",
                     "output": f"{a} ÷ {b} = {c}, because {b} × {c} = {a}."})
    for _ in range(12):
        n = rng.randint(2, 30)
        rows.append({"instruction": f"What is the square root of {n * n}?", "input": "",
                     "output": f"The square root of {n * n} is {n}, since {n} × {n} = {n * n}."})
    for _ in range(12):
        p = rng.choice([5, 10, 15, 20, 25, 30, 40, 50, 75])
        x = rng.choice([20, 40, 60, 80, 120, 200, 240, 360, 400, 500])
        rows.append({"instruction": f"What is {p}% of {x}?", "input": "",
                     "output": f"{p}% of {x} is {x * p / 100:g}, because {x} × {p} / 100 = {x * p / 100:g}."})
    people = ["Maya", "Tom", "Ines", "Kofi", "Lena", "Ravi", "Sofia", "Jonas"]
    things = ["apples", "pencils", "stickers", "books", "marbles", "cookies"]
    for _ in range(14):
        who, what = rng.choice(people), rng.choice(things)
        have, more, give = rng.randint(3, 30), rng.randint(2, 20), rng.randint(1, 10)
        end = have + more - give
        rows.append({"instruction": "Solve the word problem.",
                     "input": f"{who} has {have} {what}. {who} buys {more} more and gives {give} away. "
                              f"How many {what} does {who} have now?",
                     "output": f"{who} starts with {have}, has {have} + {more} = {have + more} after buying, and "
                               f"{have + more} - {give} = {end} after giving some away. {who} has {end} {what}."})
    for _ in range(10):
        c = rng.choice([-10, 0, 5, 10, 15, 20, 25, 30, 35, 37, 40, 100])
        f = c * 9 / 5 + 32
        rows.append({"instruction": f"Convert {c} degrees Celsius to Fahrenheit.", "input": "",
                     "output": f"{c} °C is {f:g} °F (multiply by 9/5 and add 32: {c} × 9/5 + 32 = {f:g})."})
    for _ in range(8):
        km = rng.randint(2, 50)
        rows.append({"instruction": f"How many meters are in {km} kilometers?", "input": "",
                     "output": f"There are {km * 1000} meters in {km} kilometers, since 1 km = 1000 m."})
    for _ in range(8):
        h = rng.randint(2, 12)
        rows.append({"instruction": f"How many minutes are in {h} hours?", "input": "",
                     "output": f"{h} hours is {h * 60} minutes, since each hour has 60 minutes."})
    # even/odd and primes
    for _ in range(10):
        n = rng.randint(10, 500)
        rows.append({"instruction": "Is the number even or odd?", "input": str(n),
                     "output": f"{n} is {'even' if n % 2 == 0 else 'odd'}."})
    for _ in range(10):
        n = rng.randint(10, 200)
        divisors = [d for d in range(2, n) if n % d == 0]
        out = (f"{n} is a prime number: it has no divisors other than 1 and itself." if not divisors else
               f"{n} is not prime; it is divisible by {divisors[0]} ({n} = {divisors[0]} × {n // divisors[0]}).")
        rows.append({"instruction": "Is this number prime?", "input": str(n), "output": out})
    # definitions
    for term, definition in DEFINITIONS.items():
        q = rng.choice([f"What is {term}?", f"Define {term}.", f"Explain {term} in one sentence.",
                        f"Give a short definition of {term}."])
        article = term[0].upper() + term[1:]
        rows.append({"instruction": q, "input": "", "output": f"{article} is {definition}."})
    # facts
    for country, capital in CAPITALS.items():
        q = rng.choice([f"What is the capital of {country}?", f"Name the capital city of {country}.",
                        f"Which city is the capital of {country}?"])
        rows.append({"instruction": q, "input": "", "output": f"The capital of {country} is {capital}."})
    for element, symbol in ELEMENTS.items():
        rows.append({"instruction": f"What is the chemical symbol for {element}?", "input": "",
                     "output": f"The chemical symbol for {element} is {symbol}."})
    # lists
    for category, items in CATEGORIES.items():
        for n in (3, 5):
            if n > len(items):
                continue
            pick = rng.sample(items, n)
            rows.append({"instruction": f"List {n} {category}.", "input": "", "output": numbered(pick)})
    # rewriting
    for a, b in PAST_TENSE:
        rows.append({"instruction": "Rewrite the sentence in the past tense.", "input": a, "output": b})
    for a, b in FORMAL:
        rows.append({"instruction": "Rewrite the sentence in a formal tone.", "input": a, "output": b})
    for a, _ in PAST_TENSE[:10] + FORMAL[:6]:
        words = a.rstrip(".!?").split()
        rows.append({"instruction": "Count the words in the sentence.", "input": a,
                     "output": f"The sentence has {len(words)} words."})
    for _ in range(12):
        items = rng.sample(sum(CATEGORIES.values(), []), 5)
        items = [x for x in items if " " not in x][:4] or ["pear", "apple", "fig"]
        rows.append({"instruction": "Sort these words alphabetically.", "input": ", ".join(items),
                     "output": ", ".join(sorted(items, key=str.lower))})
    for _ in range(8):
        words = rng.sample(["river", "stone", "garden", "light", "window", "music", "paper", "cloud"], 3)
        text = " ".join(words)
        rows.append({"instruction": "Convert the text to uppercase.", "input": text, "output": text.upper()})
    for text, label in SENTIMENT:
        rows.append({"instruction": "Classify the sentiment of the sentence as positive, negative or neutral.",
                     "input": text, "output": f"The sentiment is {label}."})
    # code
    for task, py, java in CODE_TASKS:
        rows.append({"instruction": f"Write a Python function to {task}.", "input": "",
                     "output": f"Here is a simple solution:\n\n```python\n{py}\n```"})
        rows.append({"instruction": f"Write a Java method to {task}.", "input": "",
                     "output": f"Here is a simple solution:\n\n```java\n{java}\n```"})
    for _ in range(12):
        a, b, c = rng.randint(1, 9), rng.randint(1, 9), rng.randint(1, 9)
        expr = rng.choice([f"{a} * {b} + {c}", f"({a} + {b}) * {c}", f"{a} + {b} * {c}", f"{a * b * 2} // {b}"])
        rows.append({"instruction": "What does this Python code print?", "input": f"print({expr})",
                     "output": f"It prints {eval(expr)}."})
    rng.shuffle(rows)
    return rows


# ----------------------------------------------------------------------------------------------------------------
# dpo_en_demo (sharegpt, ranking) and kto_en_demo (messages + label)
# ----------------------------------------------------------------------------------------------------------------
def preference_items():
    """(question, good answer, bad answer) triples."""
    items = []
    for _ in range(40):
        a, b = rng.randint(10, 99), rng.randint(10, 99)
        right = a * b
        wrong = right + rng.choice([-10, -1, 1, 10, 100])
        items.append((f"What is {a} times {b}?", f"{a} × {b} = {right}.", f"{a} × {b} = {wrong}."))
    countries = list(CAPITALS)
    for country in countries[:30]:
        other = CAPITALS[rng.choice([c for c in countries if c != country])]
        items.append((f"What is the capital of {country}?", f"The capital of {country} is {CAPITALS[country]}.",
                      f"The capital of {country} is {other}."))
    for term, definition in list(DEFINITIONS.items())[:30]:
        article = term[0].upper() + term[1:]
        items.append((f"Can you explain what {term} is?", f"{article} is {definition}.",
                      rng.choice(["I don't know.", "Look it up yourself.", "It is a thing.",
                                  f"{article} is not something worth explaining."])))
    for task, py, _ in CODE_TASKS:
        bad = py.replace("+ 1", "").replace("[::-1]", "").replace("return a", "return b", 1)
        if bad == py:
            bad = "def solution():\n    pass"
        items.append((f"Write a Python function to {task}.", f"```python\n{py}\n```",
                      f"```python\n{bad}\n```"))
    for a, b in FORMAL:
        items.append((f"Make this sentence more formal: \"{a}\"", b, a.upper()))
    return items


def dpo_rows(items):
    rows = []
    systems = ["", "", "You are a helpful and precise assistant.", "Answer briefly and correctly."]
    for i, (q, good, bad) in enumerate(items):
        conv = []
        if i % 5 == 0:
            conv += [{"from": "human", "value": "Hi, I have a question."},
                     {"from": "gpt", "value": "Of course. What would you like to know?"}]
        conv.append({"from": "human", "value": q})
        row = {"conversations": conv, "chosen": {"from": "gpt", "value": good},
               "rejected": {"from": "gpt", "value": bad}}
        s = systems[i % len(systems)]
        if s:
            row["system"] = s
        rows.append(row)
    rng.shuffle(rows)
    return rows


def kto_rows(items):
    rows = []
    for i, (q, good, bad) in enumerate(items):
        desirable = i % 2 == 0
        rows.append({"messages": [{"role": "user", "content": q},
                                  {"role": "assistant", "content": good if desirable else bad}],
                     "label": desirable})
    rng.shuffle(rows)
    return rows


# ----------------------------------------------------------------------------------------------------------------
# corpus_demo.txt: one document per line
# ----------------------------------------------------------------------------------------------------------------
SYL = ["bar", "len", "to", "mi", "ka", "ros", "vel", "an", "dor", "sil", "wen", "ham", "ford", "ly", "ten", "bro",
       "ash", "mer", "el", "gar", "tun", "pol", "rin", "sa"]
FIRST = ["Ada", "Ben", "Clara", "David", "Elena", "Farid", "Greta", "Hugo", "Iris", "Jamal", "Kira", "Liam", "Mina",
         "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wei", "Yara", "Zoe"]
JOBS = ["baker", "teacher", "carpenter", "nurse", "fisher", "painter", "engineer", "librarian", "farmer", "doctor",
        "musician", "gardener", "pilot", "tailor", "potter"]
GOODS = ["wool", "cheese", "timber", "glass", "pottery", "apples", "honey", "paper", "salt", "wine", "bicycles",
         "clocks"]
ANIMALS = {
    "the red fox": "is a small carnivore that hunts at dusk and dawn and adapts well to towns and farmland",
    "the honeybee": "lives in colonies of thousands of workers that collect nectar and pollen from flowers",
    "the barn owl": "hunts small mammals at night, finding them mostly by sound",
    "the grey wolf": "lives and hunts in packs that are usually made up of a family",
    "the green turtle": "grazes on sea grass and returns to the beach where it hatched to lay its eggs",
    "the hedgehog": "rolls into a ball of spines when threatened and sleeps through the cold months",
    "the salmon": "hatches in rivers, grows in the sea and swims upstream to spawn",
    "the swallow": "catches insects in flight and migrates thousands of kilometres each year",
    "the octopus": "has eight arms, can change colour quickly and is known for solving simple puzzles",
    "the elephant": "is the largest land animal and lives in herds led by an older female",
    "the penguin": "cannot fly but swims with great skill, using its wings as flippers",
    "the squirrel": "stores nuts in many hidden places in autumn and finds most of them again in winter",
}
SCIENCE = [
    ["Water covers most of the surface of the Earth.", "When the sun warms the sea, some water evaporates.",
     "The vapour rises, cools and condenses into clouds.", "When the droplets grow heavy, they fall as rain or snow.",
     "Rivers carry the water back to the sea, and the cycle starts again."],
    ["Plants need light to grow.", "In their leaves, a green pigment called chlorophyll captures sunlight.",
     "The plant uses this energy to turn water and carbon dioxide into sugar.",
     "Oxygen is released into the air as a by-product.", "Animals, including people, breathe this oxygen."],
    ["Every object with mass pulls on every other object.", "This pull is called gravity.",
     "The Earth's gravity keeps the Moon in its orbit.", "The Moon's gravity, in turn, raises the tides.",
     "On the Moon, a person would weigh about one sixth of their weight on Earth."],
    ["Sound is a vibration that travels through air, water or solids.",
     "It moves at about 340 metres per second in air.", "In water, sound travels more than four times faster.",
     "High-pitched sounds have short wavelengths, low ones long wavelengths.",
     "Our ears turn these vibrations into signals the brain understands."],
    ["The heart is a muscle that pumps blood around the body.", "Arteries carry blood away from the heart.",
     "Veins bring it back.", "The blood carries oxygen from the lungs to every cell.",
     "A resting adult heart beats roughly sixty to eighty times a minute."],
    ["Volcanoes form where molten rock rises from deep inside the Earth.",
     "Some erupt explosively, throwing ash high into the sky.", "Others release slow rivers of lava.",
     "Over time, cooled lava can build islands and mountains.",
     "Volcanic soil is often very fertile, which is why farms surround many volcanoes."],
    ["Computers store all information as numbers.", "Each number is written in binary, using only zeros and ones.",
     "A group of eight binary digits is called a byte.", "Letters are stored as numbers using an agreed code.",
     "Programs are lists of instructions that tell the processor what to do with these numbers."],
]
WEATHER = ["sunny", "cloudy", "rainy", "windy", "foggy", "snowy", "stormy", "mild"]
DISHES = [("vegetable soup", ["carrots", "onions", "potatoes", "celery", "vegetable stock", "salt", "pepper"]),
          ("pancakes", ["flour", "milk", "eggs", "a pinch of salt", "butter"]),
          ("tomato pasta", ["pasta", "tomatoes", "garlic", "olive oil", "basil", "salt"]),
          ("fruit salad", ["apples", "oranges", "grapes", "bananas", "lemon juice", "mint"]),
          ("bean stew", ["beans", "onions", "tomatoes", "paprika", "garlic", "stock"]),
          ("rice pudding", ["rice", "milk", "sugar", "vanilla", "cinnamon"])]


def town_name():
    return "".join(rng.choice(SYL) for _ in range(rng.randint(2, 3))).capitalize()


def doc_town():
    t = town_name()
    river = town_name()
    pop = rng.randint(800, 90000)
    good = rng.choice(GOODS)
    season = rng.choice(["spring", "summer", "autumn", "winter"])
    founded = rng.randint(1100, 1850)
    return (f"{t} is a town on the river {river} with about {pop:,} inhabitants. It was founded around {founded} "
            f"as a market for {good}, and {good} is still sold in its old square every week. Each {season} the town "
            f"holds a festival with music, food stalls and a boat race on the {river}. Visitors often walk along the "
            f"riverbank to the stone bridge, which is the oldest building in {t}. The local school, the library and "
            f"the train station are all within a short walk of the centre.")


def doc_story():
    a, b = rng.sample(FIRST, 2)
    job = rng.choice(JOBS)
    thing = rng.choice(["an old map", "a broken clock", "a lost dog", "a letter without a stamp",
                        "a key to an unknown door", "a box of seeds"])
    place = town_name()
    return (f"{a} was a {job} in the small town of {place}. One morning, {a} found {thing} by the door. "
            f"Nobody in the street knew where it came from, so {a} asked {b}, who had lived in {place} for many years. "
            f"{b} remembered a similar story from childhood and suggested they look in the old market hall. "
            f"They spent the afternoon searching, asking neighbours and following small clues. By evening they had "
            f"found the owner, who thanked them warmly. Since that day, {a} and {b} have been good friends, and "
            f"people in {place} still tell the story when someone loses something.")


def doc_weather():
    place = town_name()
    w1, w2 = rng.sample(WEATHER, 2)
    lo = rng.randint(-8, 15)
    hi = lo + rng.randint(3, 14)
    wind = rng.randint(5, 60)
    return (f"Weather for {place}: the morning will be {w1} with temperatures around {lo} degrees. In the afternoon "
            f"it becomes {w2} and the temperature rises to {hi} degrees. Winds reach {wind} kilometres per hour "
            f"{'near the coast' if wind > 30 else 'in open areas'}. "
            f"{'Take an umbrella if you go out.' if 'rain' in w1 + w2 or 'storm' in w1 + w2 else 'It is a good day for a walk.'} "
            f"Tomorrow looks {rng.choice(WEATHER)}, with little change in temperature.")


def doc_recipe():
    dish, ingredients = rng.choice(DISHES)
    n = rng.randint(2, 6)
    minutes = rng.choice([10, 15, 20, 25, 30, 40, 45])
    return (f"A simple recipe for {dish} for {n} people. You will need {', '.join(ingredients[:-1])} and "
            f"{ingredients[-1]}. Prepare all the ingredients before you start and wash your hands. Combine them "
            f"step by step, tasting as you go, and cook for about {minutes} minutes. Serve the {dish} warm or cold, "
            f"as you like. Leftovers keep for two days in the fridge.")


def doc_animal():
    name, fact = rng.choice(list(ANIMALS.items()))
    other_name, other_fact = rng.choice(list(ANIMALS.items()))
    return (f"{name[0].upper() + name[1:]} {fact}. Scientists study it to understand how animals live in changing "
            f"environments. Like {other_name}, which {other_fact}, it depends on a healthy habitat. Protecting "
            f"forests, rivers and coasts helps many species at once.")


def doc_science():
    para = rng.choice(SCIENCE)
    sentences = para[:]
    if rng.random() < 0.5:
        sentences = sentences[:1] + sentences[1:4] + sentences[4:]
    extra = rng.choice(["Teachers often explain this with a simple experiment.",
                        "This idea was understood step by step over many centuries.",
                        "You can observe it yourself with a little patience.",
                        "It is one of the basic ideas of natural science."])
    return " ".join(sentences) + " " + extra


def doc_numbers():
    n = rng.randint(12, 999)
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    parity = "even" if n % 2 == 0 else "odd"
    prime = "It is a prime number." if len(divisors) == 2 else f"It has {len(divisors)} divisors: " + \
        ", ".join(map(str, divisors)) + "."
    return (f"The number {n} is {parity}. {prime} Its square is {n * n}, and the sum of its digits is "
            f"{sum(int(c) for c in str(n))}. Written in binary, {n} is {bin(n)[2:]}. Doubling it gives {2 * n}, and "
            f"half of it is {n / 2:g}.")


def doc_letter():
    a, b = rng.sample(FIRST, 2)
    place = town_name()
    activity = rng.choice(["repairing the garden fence", "learning to play the violin", "reading a long novel",
                           "painting the kitchen", "training for a running race", "baking bread every weekend"])
    return (f"Dear {b}, I hope you are well. Life in {place} is quiet this month. I have been {activity}, and it "
            f"takes more time than I expected. The weather has been {rng.choice(WEATHER)} and the evenings are "
            f"getting {'longer' if rng.random() < 0.5 else 'shorter'}. Please write soon and tell me about your "
            f"plans. With best wishes, {a}.")


DOCS = [doc_town, doc_story, doc_weather, doc_recipe, doc_animal, doc_science, doc_numbers, doc_letter]


def corpus(target_bytes=450_000):
    lines, size = [], 0
    while size < target_bytes:
        d = rng.choice(DOCS)()
        lines.append(d)
        size += len(d.encode("utf-8")) + 1
    return lines


def main():
    os.makedirs(OUT, exist_ok=True)

    def dump(name, rows):
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            json.dump(rows, f, ensure_ascii=False, indent=2)
            f.write("\n")

    dump("identity.json", identity_rows())
    dump("alpaca_en_demo.json", alpaca_rows())
    items = preference_items()
    dump("dpo_en_demo.json", dpo_rows(items))
    dump("kto_en_demo.json", kto_rows(items))
    with open(os.path.join(OUT, "corpus_demo.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(corpus()) + "\n")
    info = {
        "identity": {"file_name": "identity.json"},
        "alpaca_en_demo": {"file_name": "alpaca_en_demo.json"},
        "dpo_en_demo": {"file_name": "dpo_en_demo.json", "formatting": "sharegpt", "ranking": True,
                        "columns": {"messages": "conversations", "system": "system", "chosen": "chosen",
                                    "rejected": "rejected"}},
        "kto_en_demo": {"file_name": "kto_en_demo.json", "formatting": "sharegpt",
                        "columns": {"messages": "messages", "kto_tag": "label"},
                        "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                                 "assistant_tag": "assistant"}},
        "corpus_demo": {"file_name": "corpus_demo.txt", "columns": {"prompt": "text"}},
    }
    with open(os.path.join(OUT, "dataset_info.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
