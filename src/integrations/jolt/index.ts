export * from './postcard.js';
