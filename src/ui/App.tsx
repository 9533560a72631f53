export function App() {
  return <h1>Style transfer</h1>;
}
