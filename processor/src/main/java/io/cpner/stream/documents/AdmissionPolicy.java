package io.cpner.stream.documents;

/** What the router admits: texts up to {@code documentMaxChars}, and what happens to documents of unknown domains. */
public record AdmissionPolicy(int documentMaxChars, UnknownDomainPolicy unknownDomainPolicy, String fallbackDomain) {}
